package io.wmrt.hil.run;

import java.util.List;

/**
 * One run's score as NAVSIM defines it, computed by the rig's own ruler ({@code io.wmrt.hil.metrics}) from the
 * ground truth of the whole run. Every term is in [0, 1]; hil/README.md gives the definitions and where the
 * closed loop differs from NAVSIM's 4 s frames.
 *
 * @param pdms               NAVSIM v1: nc * dac * (5 ttc + 5 ep + 2 hc) / 12.
 * @param epdms              NAVSIM v2: nc * dac * ddc * tlc * (5 ep + 5 ttc + 2 lk + 2 hc + 2 ec) / 16.
 * @param nc                 no at-fault collision: 0 with a vehicle or pedestrian, 0.5 with a static object, else 1.
 * @param dac                drivable area compliance: 0 when a footprint corner ever left the drivable area.
 * @param ddc                driving direction compliance: 1, 0.5 or 0 by the most metres driven against the
 *                           traffic in any 1 s.
 * @param tlc                traffic light compliance: 0 after a red-light crossing.
 * @param ttc                time to collision within bound: 0 when a constant-velocity projection of up to 0.9 s
 *                           ever met a road user the ego would be at fault for.
 * @param ep                 ego progress: progress over the reference driver's, at most 1 (1 when the reference
 *                           made less than 5 m).
 * @param lk                 lane keeping: 0 when the centre stayed more than 0.5 m off every lane centre of its
 *                           direction for 2 s outside junctions.
 * @param hc                 comfort of the driven trajectory (NAVSIM's six bounds, every 4 s window); the PDMS's C.
 * @param ec                 extended comfort: share of consecutive plans (0.5 s apart) whose dynamics agree within
 *                           NAVSIM's bounds.
 * @param referenceProgressM metres the reference driver made in the same scenario and seed; NaN when none ran.
 * @param forgiven           sub-metrics the reference driver failed too, so not held against the ego (NAVSIM's
 *                           false-positive filtering), by their short names.
 */
public record RunScores(double pdms, double epdms, double nc, double dac, double ddc, double tlc, double ttc,
    double ep, double lk, double hc, double ec, double referenceProgressM, List<String> forgiven)
{
    public RunScores
    {
        forgiven = List.copyOf(forgiven);
    }

    /** NAVSIM v1's composite. */
    public static double pdms(final double nc, final double dac, final double ttc, final double ep, final double c)
    {
        return nc * dac * (5.0 * ttc + 5.0 * ep + 2.0 * c) / 12.0;
    }

    /** NAVSIM v2's composite. */
    public static double epdms(final double nc, final double dac, final double ddc, final double tlc, final double ep,
        final double ttc, final double lk, final double hc, final double ec)
    {
        return nc * dac * ddc * tlc * (5.0 * ep + 5.0 * ttc + 2.0 * lk + 2.0 * hc + 2.0 * ec) / 16.0;
    }
}
