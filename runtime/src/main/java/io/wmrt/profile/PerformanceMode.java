package io.wmrt.profile;

/**
 * HTP power and clock modes (QNN DCVS v3), spelt as the profile and the QNN execution provider spell them.
 */
public enum PerformanceMode
{
    BURST("burst"),
    SUSTAINED_HIGH_PERFORMANCE("sustained_high_performance"),
    HIGH_PERFORMANCE("high_performance"),
    BALANCED("balanced"),
    POWER_SAVER("power_saver");

    private final String text;

    PerformanceMode(final String text)
    {
        this.text = text;
    }

    public String toString()
    {
        return text;
    }
}
