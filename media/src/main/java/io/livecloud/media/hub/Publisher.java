package io.livecloud.media.hub;

import io.netty.channel.EventLoop;

/** The session feeding a {@link LiveStream}, as far as the hub needs to know it. */
public interface Publisher {

    /** Who is publishing, for logs: client address and protocol. */
    String describe();

    /** The loop the session runs on; the stream's internal subscribers (HLS packaging) run there too. */
    EventLoop eventLoop();

    /** Ends the publishing session from outside (an operator's forbid, shutdown). Callable from any thread. */
    void kick(String reason);
}
