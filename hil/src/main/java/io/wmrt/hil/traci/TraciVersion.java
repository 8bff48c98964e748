package io.wmrt.hil.traci;

/**
 * What SUMO answers to TraCI's get-version command: the API version number (20 for SUMO 1.15) and
 * a free-form SUMO version string such as "SUMO 1.15.0". Immutable: safe to share between threads.
 */
public record TraciVersion(int apiVersion, String sumoVersion)
{
}
