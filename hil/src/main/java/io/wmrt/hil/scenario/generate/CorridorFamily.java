package io.wmrt.hil.scenario.generate;

import java.util.List;

final class CorridorFamily implements Family
{
    public String name() { return "Corridor"; }
    public String summary() { return ""; }
    public List<Parameter> parameters() { return List.of(); }
    public GeneratedScenario generate(final Draw draw, final String name) { throw new UnsupportedOperationException(); }
}
