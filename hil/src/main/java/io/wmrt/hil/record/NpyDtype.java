package io.wmrt.hil.record;

/**
 * The element types {@link NpyWriter} writes, each with the numpy type string that names it in an .npy
 * header ({@code descr}). Immutable: safe from any thread.
 */
public enum NpyDtype
{
    /** 32-bit IEEE float, little endian: numpy {@code float32}. */
    FLOAT32("<f4", 4),
    /** 32-bit two's complement integer, little endian: numpy {@code int32}. */
    INT32("<i4", 4),
    /** 64-bit two's complement integer, little endian: numpy {@code int64}. */
    INT64("<i8", 8),
    /** Unsigned byte, no byte order: numpy {@code uint8}. */
    UINT8("|u1", 1);

    private final String descr;
    private final int sizeBytes;

    NpyDtype(final String descr, final int sizeBytes)
    {
        this.descr = descr;
        this.sizeBytes = sizeBytes;
    }

    /** The numpy type string, for example {@code <f4}. */
    public String descr()
    {
        return descr;
    }

    public int sizeBytes()
    {
        return sizeBytes;
    }
}
