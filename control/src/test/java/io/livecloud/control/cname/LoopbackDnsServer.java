package io.livecloud.control.cname;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS server for tests: UDP on 127.0.0.1, an ephemeral port, answers from an in-memory map
 * that tests change while it runs. Per name: one CNAME, or A records, or a forced response code (SERVFAIL, …).
 * Unknown names get NXDOMAIN; a known name without the asked type gets an empty NOERROR (NODATA).
 *
 * <p>By default it answers like an authoritative server for separate zones: a CNAME alone, one hop per answer, so
 * a client must query the target itself. With {@link #chase(boolean) chase on} it answers like a recursive
 * resolver: the whole chain it knows, with the final A records. {@link #drop(boolean) Drop mode} reads queries
 * and never answers (a timeout).
 */
final class LoopbackDnsServer implements AutoCloseable {
    private static final long TTL = 60;

    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<String, Entry> records = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> queriesByName = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private volatile boolean drop;
    private volatile boolean chase;
    private volatile boolean closed;

    private record Entry(Name cname, List<InetAddress> addresses, Integer rcode) {
    }

    LoopbackDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "loopback-dns-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** {@code 127.0.0.1:port}, for {@link CnameChecker}. */
    String address() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Sets {@code name} to a CNAME to {@code target}, replacing whatever the name had. */
    LoopbackDnsServer cname(String name, String target) {
        records.put(key(name), new Entry(name(target), List.of(), null));
        return this;
    }

    /** Sets {@code name} to the A records {@code ips}, replacing whatever the name had. */
    LoopbackDnsServer a(String name, String... ips) {
        List<InetAddress> list = new ArrayList<>();
        for (String ip : ips) {
            try {
                list.add(InetAddress.getByAddress(name, InetAddress.getByName(ip).getAddress()));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(ip, e);
            }
        }
        records.put(key(name), new Entry(null, List.copyOf(list), null));
        return this;
    }

    /** Every query for {@code name} gets {@code rcode} (e.g. {@link Rcode#SERVFAIL}) and no records. */
    LoopbackDnsServer rcode(String name, int rcode) {
        records.put(key(name), new Entry(null, List.of(), rcode));
        return this;
    }

    /** Forgets {@code name}: NXDOMAIN from now on. */
    LoopbackDnsServer remove(String name) {
        records.remove(key(name));
        return this;
    }

    /** Drop mode: queries are read and never answered. */
    LoopbackDnsServer drop(boolean on) {
        drop = on;
        return this;
    }

    /** Chase mode: answers include the rest of the chain the server knows (like a recursive resolver). */
    LoopbackDnsServer chase(boolean on) {
        chase = on;
        return this;
    }

    /** Queries received (dropped ones included). */
    int queries() {
        return queries.get();
    }

    /** Queries received for {@code name}, whatever its case. */
    int queriesFor(String name) {
        AtomicInteger n = queriesByName.get(key(name));
        return n == null ? 0 : n.get();
    }

    private void serve() {
        byte[] buf = new byte[65535];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            Message query;
            try {
                byte[] data = new byte[p.getLength()];
                System.arraycopy(p.getData(), p.getOffset(), data, 0, p.getLength());
                query = new Message(data);
            } catch (IOException e) {
                continue; // not DNS: ignore, like a real server would
            }
            Record question = query.getQuestion();
            if (question != null) {
                queriesByName.computeIfAbsent(key(question.getName()), k -> new AtomicInteger()).incrementAndGet();
            }
            queries.incrementAndGet();
            if (drop || query.getHeader().getFlag(Flags.QR)) {
                continue;
            }
            byte[] out = answer(query, question).toWire(512);
            try {
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query, Record question) {
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setOpcode(query.getHeader().getOpcode());
        if (query.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
            r.getHeader().setRcode(question == null ? Rcode.FORMERR : Rcode.NOTIMP);
            return r;
        }
        r.addRecord(question, Section.QUESTION);
        if (question.getDClass() != DClass.IN) {
            r.getHeader().setRcode(Rcode.REFUSED);
            return r;
        }
        r.getHeader().setFlag(Flags.AA);
        int type = question.getType();
        Name current = question.getName(); // answers echo the name as asked, letter case included
        Set<String> seen = new HashSet<>();
        boolean first = true;
        while (seen.add(key(current))) {
            Entry e = records.get(key(current));
            if (e == null) {
                if (first || chase) {
                    r.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                return r;
            }
            if (e.rcode() != null) {
                if (first) {
                    r.getHeader().setRcode(e.rcode());
                }
                return r;
            }
            if (e.cname() != null) {
                r.addRecord(new CNAMERecord(current, DClass.IN, TTL, e.cname()), Section.ANSWER);
                if (type == Type.CNAME || !chase) {
                    return r;
                }
                current = e.cname();
                first = false;
                continue;
            }
            if (type == Type.A || type == Type.ANY) {
                for (InetAddress a : e.addresses()) {
                    r.addRecord(new ARecord(current, DClass.IN, TTL, a), Section.ANSWER);
                }
            }
            return r; // NOERROR, maybe NODATA
        }
        return r; // a loop: what the chain held so far
    }

    private static Name name(String s) {
        try {
            return Name.fromString(s, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static String key(String name) {
        return key(name(name));
    }

    private static String key(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        socket.close();
        thread.join(2000);
    }
}
