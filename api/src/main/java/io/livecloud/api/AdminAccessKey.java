package io.livecloud.api;

import io.livecloud.control.store.ControlStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The node's one AccessKey (the operator's, with every right), as the OpenAPI checks it and the CLI signs with it.
 * <ul>
 *   <li>{@code LIVECLOUD_ACCESS_KEY_ID} and {@code LIVECLOUD_ACCESS_KEY_SECRET} set (both): that key; nothing is
 *       stored or written.</li>
 *   <li>otherwise the key kept in the store ({@link ControlStore#setting}); on the very first start one is generated
 *       (an id like the cloud's, {@code LTAI} + 20 letters and digits, and a 30-character secret), saved, and logged
 *       once (the id, and where the secret is; never the secret).</li>
 * </ul>
 * A stored key is also written to {@code <dataDir>/access-key.properties} (owner-only permissions) so that the
 * local CLI finds it; the file is rewritten when it is missing or stale.
 */
public final class AdminAccessKey {
    private static final Logger log = LoggerFactory.getLogger(AdminAccessKey.class);

    public static final String ENV_ID = "LIVECLOUD_ACCESS_KEY_ID";
    public static final String ENV_SECRET = "LIVECLOUD_ACCESS_KEY_SECRET";
    public static final String FILE_NAME = "access-key.properties";
    static final String SETTING_ID = "api.admin.accessKeyId";
    static final String SETTING_SECRET = "api.admin.accessKeySecret";
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the key in use came from. */
    public enum Source { ENVIRONMENT, STORE, GENERATED }

    /** An AccessKey pair. {@link #toString()} does not show the secret. */
    public record Credentials(String id, String secret) {
        public Credentials {
            if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
                throw new IllegalArgumentException("an AccessKey needs a non-empty id and secret");
            }
        }

        @Override
        public String toString() {
            return "Credentials[id=" + id + ", secret=***]";
        }
    }

    private final Credentials credentials;
    private final Source source;
    private final Path file;

    private AdminAccessKey(Credentials credentials, Source source, Path file) {
        this.credentials = credentials;
        this.source = source;
        this.file = file;
    }

    /** The key for a node with this store and data directory; {@code env} is normally {@code System.getenv()}. */
    public static AdminAccessKey load(ControlStore store, Path dataDir, Map<String, String> env) {
        Path file = dataDir.resolve(FILE_NAME);
        Optional<Credentials> fromEnv = fromEnvironment(env);
        if (fromEnv.isPresent()) {
            log.info("admin AccessKey from the environment ({}): id {}", ENV_ID, fromEnv.get().id());
            return new AdminAccessKey(fromEnv.get(), Source.ENVIRONMENT, null);
        }
        Optional<String> id = store.setting(SETTING_ID);
        Optional<String> secret = store.setting(SETTING_SECRET);
        Credentials c;
        Source source;
        if (id.isPresent() && secret.isPresent()) {
            c = new Credentials(id.get(), secret.get());
            source = Source.STORE;
        } else {
            c = new Credentials("LTAI" + random(20), random(30));
            store.saveSetting(SETTING_SECRET, c.secret());
            store.saveSetting(SETTING_ID, c.id()); // the id last: a key is complete once its id is there
            source = Source.GENERATED;
        }
        boolean rewritten = writeFileIfStale(file, c);
        if (source == Source.GENERATED) {
            log.info("admin AccessKey created: id {} — secret in {}", c.id(), file.toAbsolutePath());
        } else if (rewritten) {
            log.info("admin AccessKey file written: {}", file.toAbsolutePath());
        }
        return new AdminAccessKey(c, source, file);
    }

    /** The key the two environment variables give, empty when neither is set; one without the other is an error. */
    public static Optional<Credentials> fromEnvironment(Map<String, String> env) {
        String id = blankToNull(env.get(ENV_ID));
        String secret = blankToNull(env.get(ENV_SECRET));
        if (id == null && secret == null) {
            return Optional.empty();
        }
        if (id == null || secret == null) {
            throw new IllegalStateException("set both " + ENV_ID + " and " + ENV_SECRET + ", or neither");
        }
        return Optional.of(new Credentials(id, secret));
    }

    /** Reads {@code <dataDir>/access-key.properties} as the node wrote it. */
    public static Credentials readFile(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String id = blankToNull(p.getProperty("accessKeyId"));
        String secret = blankToNull(p.getProperty("accessKeySecret"));
        if (id == null || secret == null) {
            throw new IOException(file + " has no accessKeyId/accessKeySecret");
        }
        return new Credentials(id, secret);
    }

    public String id() {
        return credentials.id();
    }

    public String secret() {
        return credentials.secret();
    }

    public Credentials credentials() {
        return credentials;
    }

    public Source source() {
        return source;
    }

    /** Where the key is written for the CLI; null when it comes from the environment. */
    public Path file() {
        return file;
    }

    /** The secret of a known AccessKey id, for the signature check. */
    public Optional<String> secretOf(String accessKeyId) {
        if (accessKeyId == null) {
            return Optional.empty();
        }
        boolean same = MessageDigest.isEqual(accessKeyId.getBytes(StandardCharsets.UTF_8),
                credentials.id().getBytes(StandardCharsets.UTF_8));
        return same ? Optional.of(credentials.secret()) : Optional.empty();
    }

    @Override
    public String toString() {
        return "AdminAccessKey[id=" + credentials.id() + ", source=" + source + "]";
    }

    private static boolean writeFileIfStale(Path file, Credentials c) {
        String content = "# The LiveCloud admin AccessKey, for the local CLI. Keep it secret.\n"
                + "accessKeyId=" + c.id() + "\naccessKeySecret=" + c.secret() + "\n";
        try {
            if (Files.isRegularFile(file)) {
                Properties p = new Properties();
                p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
                if (c.id().equals(p.getProperty("accessKeyId")) && c.secret().equals(p.getProperty("accessKeySecret"))) {
                    return false;
                }
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin AccessKey file " + file, e);
        }
    }

    private static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return sb.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
