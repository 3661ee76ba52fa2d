package io.livecloud.media.hub;

/** The session feeding a {@link LiveStream}, as far as the hub needs to know it. */
public interface Publisher {

    /** Who is publishing, for logs: client address and protocol. */
    String describe();

    /** Ends the publishing session from outside (an operator's forbid, shutdown). Callable from any thread. */
    void kick(String reason);
}
