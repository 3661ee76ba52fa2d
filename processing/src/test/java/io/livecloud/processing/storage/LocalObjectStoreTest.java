package io.livecloud.processing.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalObjectStoreTest {
    @TempDir
    Path dir;

    @Test
    void putReplacesWholeObjectsAndListsByPrefix() throws Exception {
        LocalObjectStore store = new LocalObjectStore(dir.resolve("objects"));
        Path a = Files.writeString(dir.resolve("a"), "first");
        Path b = Files.writeString(dir.resolve("b"), "second!");
        store.put("record/live/cam/1.flv", a, "video/x-flv");
        store.put("snapshot/live/cam.jpg", a, "image/jpeg");
        store.put("snapshot/live/cam.jpg", b, "image/jpeg");

        assertThat(Files.readString(store.fileOf("snapshot/live/cam.jpg"))).isEqualTo("second!");
        assertThat(store.stat("snapshot/live/cam.jpg")).get().extracting(StoredObject::size).isEqualTo(7L);
        assertThat(store.stat("snapshot/live/none.jpg")).isEmpty();
        assertThat(store.list("record/")).extracting(StoredObject::key).containsExactly("record/live/cam/1.flv");
        assertThat(store.list("")).extracting(StoredObject::key)
                .containsExactly("record/live/cam/1.flv", "snapshot/live/cam.jpg");
        try (var left = Files.list(store.fileOf("snapshot/live/cam.jpg").getParent())) {
            assertThat(left).as("no temporary file is left behind").hasSize(1);
        }
        assertThat(store.locationOf("record/live/cam/1.flv")).startsWith("file:").endsWith("/objects/record/live/cam/1.flv");
    }

    @Test
    void keysThatCouldEscapeTheStoreAreRefused() {
        LocalObjectStore store = new LocalObjectStore(dir);
        for (String bad : new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "a/", "", "a\\b", "a/./b"}) {
            assertThatThrownBy(() -> store.fileOf(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
