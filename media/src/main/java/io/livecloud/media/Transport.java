package io.livecloud.media;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The event loops of the media plane: native epoll where the platform has it, NIO otherwise. */
public final class Transport implements AutoCloseable {
    private final boolean epoll;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;

    /** @param workerThreads event loops for connections; 0 = Netty's default (2 × cores) */
    public Transport(int workerThreads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptors = new MultiThreadIoEventLoopGroup(1, factory);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, factory);
    }

    public EventLoopGroup acceptors() {
        return acceptors;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    private Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * Listens on {@code bind}, giving each accepted connection the pipeline {@code init} builds. Media connections
     * get TCP_NODELAY: frames are written whole and flushed at once, waiting for more only adds latency.
     *
     * @return the bound server channel
     */
    public Channel listen(InetSocketAddress bind, Consumer<Channel> init) {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        init.accept(ch);
                    }
                });
        return b.bind(bind).syncUninterruptibly().channel();
    }

    public String name() {
        return epoll ? "epoll" : "nio";
    }

    @Override
    public void close() {
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
