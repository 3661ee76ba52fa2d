package io.livecloud.control;

/**
 * A request the control plane refuses, in the cloud's terms: an error code of the live API 2016-11-01
 * ({@code InvalidDomainName.Malformed}, {@code Domain.AlreadyExist}, …), the HTTP status the OpenAPI answers with,
 * and a message a user can act on. The OpenAPI, the CLI and the console show exactly these.
 */
public final class ControlException extends RuntimeException {
    private final String code;
    private final int httpStatus;

    public ControlException(int httpStatus, String code, String message) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public static ControlException badRequest(String code, String message) {
        return new ControlException(400, code, message);
    }

    public static ControlException notFound(String code, String message) {
        return new ControlException(404, code, message);
    }

    public static ControlException forbidden(String code, String message) {
        return new ControlException(403, code, message);
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
