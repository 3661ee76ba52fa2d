package io.livecloud.processing;

/** ffmpeg cannot be found or does not run here; the message tells the operator what to do. */
public class FfmpegUnavailableException extends RuntimeException {
    public FfmpegUnavailableException(String message) {
        super(message);
    }

    public FfmpegUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
