package io.livecloud.media;

/**
 * Facts the media plane reports: sessions starting and ending, with their byte counts. Called on event loops:
 * implementations hand the work off and return at once.
 */
public interface StreamEvents {

    void sessionStarted(SessionInfo session);

    /**
     * @param bytes  media bytes received (publish) or sent (play) by the session
     * @param reason why it ended, in words an operator reads in a log
     */
    void sessionEnded(SessionInfo session, long bytes, String reason);

    /** Tells every listener, in the order given, each event. */
    static StreamEvents all(StreamEvents... listeners) {
        StreamEvents[] each = listeners.clone();
        return new StreamEvents() {
            @Override
            public void sessionStarted(SessionInfo session) {
                for (StreamEvents e : each) {
                    e.sessionStarted(session);
                }
            }

            @Override
            public void sessionEnded(SessionInfo session, long bytes, String reason) {
                for (StreamEvents e : each) {
                    e.sessionEnded(session, bytes, reason);
                }
            }
        };
    }

    StreamEvents NONE = new StreamEvents() {
        @Override
        public void sessionStarted(SessionInfo session) {
        }

        @Override
        public void sessionEnded(SessionInfo session, long bytes, String reason) {
        }
    };
}
