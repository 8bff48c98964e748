package io.wmrt.profile;

/**
 * The priority a QNN context asks of the HTP when several share it, spelt as the profile and the QNN execution
 * provider spell them.
 */
public enum ContextPriority
{
    LOW("low"),
    NORMAL("normal"),
    NORMAL_HIGH("normal_high"),
    HIGH("high");

    private final String text;

    ContextPriority(final String text)
    {
        this.text = text;
    }

    public String toString()
    {
        return text;
    }
}
