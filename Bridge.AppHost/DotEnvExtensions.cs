namespace Bridge.AppHost;

public static class DotEnvExtensions
{
    /// <summary>Passes every variable of the repo's <c>.env</c> to the service (the process environment still wins in the service).</summary>
    public static IResourceBuilder<ProjectResource> WithDotEnv(this IResourceBuilder<ProjectResource> project, IReadOnlyDictionary<string, string> dotEnv)
    {
        foreach (var (key, value) in dotEnv)
        {
            if (key is "BRIDGE_MASTER_KEY") continue; // handed over as the master-key parameter
            project.WithEnvironment(key, value);
        }
        return project;
    }
}
