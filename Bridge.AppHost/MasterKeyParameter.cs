namespace Bridge.AppHost;

public static class MasterKeyParameter
{
    /// <summary>
    /// The master key shared by gateway and admin, as a secret parameter named <c>master-key</c>. Its value is,
    /// in order: <c>Parameters:master-key</c> (user-secrets or environment), <c>BRIDGE_MASTER_KEY</c>,
    /// <c>LITELLM_MASTER_KEY</c> (environment or the repo's <c>.env</c>); otherwise a random <c>sk-</c> key is
    /// generated once and saved in the AppHost's user-secrets, so later runs keep it.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddMasterKey(this IDistributedApplicationBuilder builder, IReadOnlyDictionary<string, string> dotEnv)
    {
        const string name = "master-key";
        if (!string.IsNullOrEmpty(builder.Configuration[$"Parameters:{name}"]))
        {
            return builder.AddParameter(name, secret: true);
        }

        foreach (var variable in new[] { "BRIDGE_MASTER_KEY", "LITELLM_MASTER_KEY" })
        {
            var value = builder.Configuration[variable];
            if (string.IsNullOrEmpty(value)) dotEnv.TryGetValue(variable, out value);
            if (!string.IsNullOrEmpty(value))
            {
                Console.WriteLine($"[bridge] Master key taken from {variable}.");
                return builder.AddParameter(name, value, publishValueAsDefault: false, secret: true);
            }
        }

        Console.WriteLine("[bridge] No master key set: using a generated one, saved in the AppHost's user-secrets (see README: 'Where is my master key?').");
        var generated = new GenerateParameterDefault { MinLength = 40, Special = false };
        return builder.AddParameter(name, generated, secret: true, persist: true);
    }
}
