package io.wmrt.profile;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * How the planner thread waits for the next scene: busy-spin on an isolated core of a board, back off on a
 * shared developer machine.
 */
public enum IdleStrategyKind
{
    BUSY_SPIN("busy-spin"),
    YIELD("yield"),
    BACKOFF("backoff"),
    SLEEP("sleep");

    private final String text;

    IdleStrategyKind(final String text)
    {
        this.text = text;
    }

    public IdleStrategy newIdleStrategy()
    {
        switch (this)
        {
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case YIELD:
                return new YieldingIdleStrategy();
            case SLEEP:
                return new SleepingMillisIdleStrategy(1);
            default:
                return new BackoffIdleStrategy(100, 10, 1_000, 200_000);
        }
    }

    public String toString()
    {
        return text;
    }
}
