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

    StreamEvents NONE = new StreamEvents() {
        @Override
        public void sessionStarted(SessionInfo session) {
        }

        @Override
        public void sessionEnded(SessionInfo session, long bytes, String reason) {
        }
    };
}
