package io.wmrt.cli;

import io.wmrt.backend.FaultPlan;
import io.wmrt.config.ConfigException;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;

import java.nio.file.Path;

/**
 * Loads what a command needs, in the one order that makes sense: the profile first, because it says whether
 * the model must be signed and by whom.
 */
final class Loading
{
    private Loading()
    {
    }

    static HardwareProfile profile(final Path file) throws ConfigException
    {
        return HardwareProfileLoader.load(null != file ? file : Defaults.profile());
    }

    /**
     * The backend faults to inject, from the environment; printed when there are any, so nobody drives with
     * them unknowingly.
     */
    static FaultPlan faults(final long seed) throws ConfigException
    {
        final FaultPlan plan;
        try
        {
            plan = FaultPlan.parse(System.getenv(FaultPlan.ENVIRONMENT_VARIABLE), seed);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(Path.of("environment variable " + FaultPlan.ENVIRONMENT_VARIABLE), null,
                ex.getMessage());
        }
        if (!plan.isEmpty())
        {
            System.out.println("faults injected on purpose (" + FaultPlan.ENVIRONMENT_VARIABLE + "): " + plan);
        }
        return plan;
    }

    static ModelPackage model(final Path dir, final HardwareProfile profile) throws ConfigException
    {
        return ModelPackageLoader.load(null != dir ? dir : Defaults.model(),
            new ModelPackageLoader.Trust(profile.requireSignedModels(), profile.trustedKeys()));
    }
}
