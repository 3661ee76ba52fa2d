package io.livecloud.processing;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Where ffmpeg and ffprobe are: an operator-given ffmpeg, or the executables shipped inside the
 * {@code org.bytedeco:ffmpeg} {@code linux-x86_64-gpl} jar, extracted once into a cache folder (the libraries they
 * need sit beside them and are found through {@code LD_LIBRARY_PATH}). Extraction is atomic, so several JVMs
 * starting at once agree on one copy.
 */
public final class FfmpegBinaries {
    private static final String JAR_FOLDER = "org/bytedeco/ffmpeg/linux-x86_64-gpl/";
    private final Path ffmpeg;
    private final Path ffprobe;
    private final Path libraryDir;

    private FfmpegBinaries(Path ffmpeg, Path ffprobe, Path libraryDir) {
        this.ffmpeg = ffmpeg;
        this.ffprobe = ffprobe;
        this.libraryDir = libraryDir;
    }

    /** ffmpeg at {@code path}, and ffprobe beside it. */
    public static FfmpegBinaries at(Path path) {
        if (!Files.isExecutable(path)) {
            throw new FfmpegUnavailableException("ffmpeg not found or not executable at " + path);
        }
        return new FfmpegBinaries(path, path.resolveSibling("ffprobe"), null);
    }

    /** The bundled build, extracted under the user's cache folder. */
    public static FfmpegBinaries bundled() {
        return bundled(Path.of(System.getProperty("user.home"), ".cache", "livecloud"));
    }

    private static FfmpegBinaries cachedBundle;

    public static synchronized FfmpegBinaries bundled(Path cacheRoot) {
        if (cachedBundle == null) {
            Path dir = extract(cacheRoot);
            cachedBundle = new FfmpegBinaries(dir.resolve("ffmpeg"), dir.resolve("ffprobe"), dir);
        }
        return cachedBundle;
    }

    /** The operator's ffmpeg when one is configured, else the bundled one. */
    public static FfmpegBinaries configured(String path) {
        return path == null || path.isBlank() ? bundled() : at(Path.of(path));
    }

    public Path ffmpeg() {
        return ffmpeg;
    }

    public Path ffprobe() {
        return ffprobe;
    }

    /** Environment a child process needs to run these executables. */
    public Map<String, String> environment() {
        return libraryDir == null ? Map.of() : Map.of("LD_LIBRARY_PATH", libraryDir.toString());
    }

    /** A process builder for {@code ffmpeg} or {@code ffprobe} with the environment set. */
    public ProcessBuilder command(String tool, List<String> args) {
        Path exe = switch (tool) {
            case "ffmpeg" -> ffmpeg;
            case "ffprobe" -> ffprobe;
            default -> throw new IllegalArgumentException("unknown tool " + tool);
        };
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(environment());
        return pb;
    }

    /**
     * Runs {@code ffmpeg -version}.
     *
     * @return the version line
     * @throws FfmpegUnavailableException saying why it does not run, with the fix where it is known
     */
    public String checkRuns() {
        try {
            Process p = command("ffmpeg", List.of("-hide_banner", "-version")).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new FfmpegUnavailableException("ffmpeg -version did not finish in 20 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                String firstLine = text.lines().findFirst().orElse("exit code " + p.exitValue());
                if (text.contains("error while loading shared libraries")) {
                    String lib = text.replaceAll("(?s).*loading shared libraries: ([^:]+):.*", "$1").trim();
                    String hint = lib.startsWith("libpulse")
                            ? "install it with `apt-get install libpulse0`"
                            : "install the Debian package that provides it";
                    throw new FfmpegUnavailableException("ffmpeg from the bundled jar needs the system library " + lib
                            + ": " + hint + " (" + firstLine + ")");
                }
                throw new FfmpegUnavailableException("ffmpeg does not run: " + firstLine);
            }
            return text.lines().findFirst().orElse("ffmpeg");
        } catch (IOException e) {
            throw new FfmpegUnavailableException("cannot start " + ffmpeg + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FfmpegUnavailableException("interrupted while checking ffmpeg", e);
        }
    }

    private static Path extract(Path cacheRoot) {
        URL marker = FfmpegBinaries.class.getClassLoader().getResource(JAR_FOLDER + "ffmpeg");
        if (marker == null) {
            throw new FfmpegUnavailableException("the org.bytedeco:ffmpeg linux-x86_64-gpl jar is not on the classpath");
        }
        try {
            JarURLConnection connection = (JarURLConnection) marker.openConnection();
            connection.setUseCaches(false);
            Path jarPath = Path.of(connection.getJarFileURL().toURI());
            String name = jarPath.getFileName().toString().replace(".jar", "");
            Path target = cacheRoot.resolve(name);
            if (Files.isExecutable(target.resolve("ffmpeg")) && Files.isExecutable(target.resolve("ffprobe"))) {
                return target;
            }
            Files.createDirectories(cacheRoot);
            Path staging = Files.createTempDirectory(cacheRoot, name + ".tmp");
            try (JarFile jar = new JarFile(jarPath.toFile())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    String entryName = e.getName();
                    if (e.isDirectory() || !entryName.startsWith(JAR_FOLDER) || entryName.contains("/libjni")) {
                        continue; // the JNI wrappers are for in-process use, which we don't do
                    }
                    Path out = staging.resolve(entryName.substring(JAR_FOLDER.length()));
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, out);
                    }
                    out.toFile().setExecutable(true);
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                deleteTree(staging); // another process extracted it first
            } catch (IOException raced) {
                if (!Files.isExecutable(target.resolve("ffmpeg"))) {
                    throw raced;
                }
                deleteTree(staging);
            }
            return target;
        } catch (Exception e) {
            if (e instanceof FfmpegUnavailableException f) {
                throw f;
            }
            throw new FfmpegUnavailableException("cannot extract the bundled ffmpeg into " + cacheRoot + ": " + e, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
