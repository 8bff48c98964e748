package io.wmrt.hil.run;

/**
 * Something that went wrong in a run, where and when: what the report marks on its plots and maps.
 *
 * @param timeS  simulation time.
 * @param kind   what happened.
 * @param x      where (ego footprint centre), world metres.
 * @param y      where.
 * @param detail one line for the reader, e.g. "at fault, front, with vehicle:oncoming.3 (moving)".
 */
public record RunEvent(double timeS, Kind kind, double x, double y, String detail)
{
    /** The kinds of failure events. */
    public enum Kind
    {
        /** A contact with another road user (at fault or not: the detail says). */
        COLLISION,
        /** Time to collision within bound failed: a projection of up to 0.9 s met someone ahead. */
        NEAR_MISS,
        /** The ego's front crossed a stop line on red. */
        RED_LIGHT,
        /** Braking harder than NAVSIM's comfort bound (4.05 m/s²). */
        HARD_BRAKE,
        /** A footprint corner left the drivable area. */
        OFF_ROAD,
        /** More than 2 m driven against the traffic within 1 s. */
        WRONG_WAY,
        /**
         * Not a failure: the shadow planner ({@code wmrt hil --shadow}) disagreed with the live one on this scene.
         * Listed in its own part of the report, never scored.
         */
        SHADOW_DISAGREEMENT;

        /** Lower-case name with blanks, for the report. */
        public String label()
        {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }
}
