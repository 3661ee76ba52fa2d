package io.livecloud.media;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * The bytes one session has moved so far: written by the session's own event loop only, read from any thread (the
 * statistics sample live sessions while they run). One writer makes an opaque store enough: no lock, no
 * read-modify-write instruction and no allocation on the media path, and a reader never sees a torn value; it may
 * see a value a few writes old, which the next sample catches up on.
 */
public final class ByteCounter implements LongSupplier {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(ByteCounter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through VALUE
    private long value;

    /** Adds {@code n}; only the owning event loop calls this. */
    public void add(long n) {
        VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + n);
    }

    /** The bytes so far; any thread. */
    public long get() {
        return (long) VALUE.getOpaque(this);
    }

    @Override
    public long getAsLong() {
        return get();
    }
}
