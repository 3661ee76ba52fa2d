package io.livecloud.processing.transcode;

import io.livecloud.control.transcode.TranscodeBinding;
import io.livecloud.control.transcode.TranscodeCatalog;
import io.livecloud.media.StreamKey;
import io.livecloud.media.hls.HlsAdaptive;

import java.util.ArrayList;
import java.util.List;

/**
 * The adaptive playlist of a transcoded stream: {@code /{app}/{stream}_abr.m3u8} lists the source as pushed and each
 * rendition of the templates bound to it (their declared bitrates: the template's video + audio).
 */
public final class TranscodeVariants implements HlsAdaptive {
    /** What ends a master playlist's stream name; a custom template cannot be called this. */
    public static final String SUFFIX = "_abr";

    private final TranscodeCatalog catalog;

    public TranscodeVariants(TranscodeCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public List<Variant> variantsOf(StreamKey key) {
        String name = key.stream();
        if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length()) {
            return List.of();
        }
        List<TranscodeBinding> renditions = catalog.renditionsOf(key.domain(), key.app());
        if (renditions.isEmpty()) {
            return List.of();
        }
        StreamKey source = new StreamKey(key.domain(), key.app(), name.substring(0, name.length() - SUFFIX.length()));
        List<Variant> out = new ArrayList<>();
        out.add(new Variant(source, 0));
        for (TranscodeBinding b : renditions) {
            out.add(new Variant(TranscodePlanner.renditionKey(source, b.templateName()), b.template().totalBitsPerSecond()));
        }
        return out;
    }
}
