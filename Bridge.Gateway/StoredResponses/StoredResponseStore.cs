using System.Security.Cryptography;
using System.Text;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Gateway.StoredResponses;

/// <summary>
/// Stored Responses answers in Redis (docs/redis-contract.md, "Stored responses"): one hash per answer, expiring
/// <see cref="GatewayOptions.StoredResponseTtl"/> after it was last written or continued. Each answer lists the ids of
/// the answers before it, so a conversation is read in two round trips however long it is. Only the key that stored
/// an answer can read, continue or delete it; for any other key it does not exist.
/// </summary>
public sealed class StoredResponseStore(RedisConnection redis, GatewayOptions options)
{
    /// <summary>Longest id accepted from a client; real ones are about 50 characters.</summary>
    public const int MaxIdLength = 200;

    private static readonly RedisValue Owner = "owner", ChainField = "chain", Input = "input", Output = "output", Body = "response";
    private static readonly RedisValue[] LinkFields = [Owner, Input, Output];
    private static readonly RedisValue[] HeadFields = [Owner, ChainField, Input, Output];

    /// <summary>False when no Redis is configured: nothing can be stored or continued.</summary>
    public bool Configured => redis.IsConfigured;

    /// <summary>Stores an answer; false when Redis refused or was away.</summary>
    public async Task<bool> SaveAsync(StoredResponse response)
    {
        try
        {
            var db = await redis.DatabaseAsync();
            if (db is null) return false;
            var key = RedisKeys.StoredResponse(response.Id);
            var transaction = db.CreateTransaction();
            _ = transaction.HashSetAsync(key,
            [
                new HashEntry(Owner, response.Owner),
                new HashEntry(ChainField, response.Chain),
                new HashEntry(Input, response.InputItems),
                new HashEntry(Output, response.OutputItems),
                new HashEntry(Body, response.Response),
            ]);
            _ = transaction.KeyExpireAsync(key, options.StoredResponseTtl);
            return await transaction.ExecuteAsync();
        }
        catch (RedisException)
        {
            return false;
        }
    }

    /// <summary>
    /// The conversation up to and including <paramref name="previousId"/>: every earlier turn's input and output items in
    /// order. Using a conversation keeps all of it for another <see cref="GatewayOptions.StoredResponseTtl"/>.
    /// </summary>
    public async Task<ConversationLookup> LoadConversationAsync(string owner, string previousId, long maxBytes)
    {
        if (previousId.Length is 0 or > MaxIdLength) return ConversationLookup.Failed(LookupStatus.NotFound, previousId);
        try
        {
            var db = await redis.DatabaseAsync();
            if (db is null) return ConversationLookup.Failed(LookupStatus.Unavailable);
            var read = await ReadConversationAsync(db, owner, previousId, withOwnOutput: true);
            if (read.Missing is { } missing) return ConversationLookup.Failed(LookupStatus.NotFound, missing);
            var segments = read.Items.Select(items => items.Json).ToList();
            if (segments.Sum(segment => (long)segment.Length) > maxBytes) return ConversationLookup.Failed(LookupStatus.TooLarge);

            // Continuing a conversation keeps every turn of it as long as the new answer.
            var refresh = db.CreateBatch();
            foreach (var id in read.Earlier.Append(previousId))
            {
                _ = refresh.KeyExpireAsync(RedisKeys.StoredResponse(id), options.StoredResponseTtl, flags: CommandFlags.FireAndForget);
            }
            refresh.Execute();
            return new ConversationLookup(LookupStatus.Found, segments, read.Chain.Length == 0 ? previousId : read.Chain + " " + previousId);
        }
        catch (RedisException)
        {
            return ConversationLookup.Failed(LookupStatus.Unavailable);
        }
    }

    /// <summary>
    /// What the answer <paramref name="id"/> was generated from (<c>GET /v1/responses/{id}/input_items</c>): each earlier
    /// turn's input and output items, then its own input, oldest first. Null when this caller has no such answer, or an
    /// earlier turn of it is gone. Reading does not extend the answer's life. Throws <see cref="RedisException"/>.
    /// </summary>
    public async Task<IReadOnlyList<StoredItems>?> GetInputItemsAsync(string owner, string id)
    {
        if (id.Length is 0 or > MaxIdLength) return null;
        var read = await ReadConversationAsync(await DatabaseAsync(), owner, id, withOwnOutput: false);
        return read.Missing is null ? read.Items : null;
    }

    /// <summary>
    /// The stored item arrays of the conversation ending with <paramref name="id"/>, oldest first, in two round trips;
    /// <c>Missing</c> names the first answer this caller does not have (<paramref name="id"/> itself or an earlier turn).
    /// </summary>
    private static async Task<(string? Missing, string Chain, string[] Earlier, List<StoredItems> Items)> ReadConversationAsync(
        IDatabase db, string owner, string id, bool withOwnOutput)
    {
        var head = await db.HashGetAsync(RedisKeys.StoredResponse(id), HeadFields);
        if (!OwnedBy(head[0], owner)) return (id, "", [], []);

        var chain = (string?)head[1] ?? "";
        var earlier = chain.Length == 0 ? [] : chain.Split(' ');
        var links = new Task<RedisValue[]>[earlier.Length];
        var batch = db.CreateBatch();
        for (var i = 0; i < earlier.Length; i++) links[i] = batch.HashGetAsync(RedisKeys.StoredResponse(earlier[i]), LinkFields);
        batch.Execute();
        await Task.WhenAll(links);

        var items = new List<StoredItems>(2 * earlier.Length + 2);
        for (var i = 0; i < earlier.Length; i++)
        {
            var link = links[i].Result;
            if (!OwnedBy(link[0], owner)) return (earlier[i], chain, earlier, []);
            Add(items, earlier[i], isOutput: false, link[1]);
            Add(items, earlier[i], isOutput: true, link[2]);
        }
        Add(items, id, isOutput: false, head[2]);
        if (withOwnOutput) Add(items, id, isOutput: true, head[3]);
        return (null, chain, earlier, items);
    }

    /// <summary>The stored response object, or null when this caller has none by that id. Throws <see cref="RedisException"/>.</summary>
    public async Task<byte[]?> GetAsync(string owner, string id)
    {
        if (id.Length is 0 or > MaxIdLength) return null;
        var db = await DatabaseAsync();
        var found = await db.HashGetAsync(RedisKeys.StoredResponse(id), [Owner, Body]);
        return OwnedBy(found[0], owner) && !found[1].IsNull ? (byte[]?)found[1] : null;
    }

    /// <summary>Deletes a stored response; false when this caller has none by that id. Throws <see cref="RedisException"/>.</summary>
    public async Task<bool> DeleteAsync(string owner, string id)
    {
        if (id.Length is 0 or > MaxIdLength) return false;
        var db = await DatabaseAsync();
        var key = RedisKeys.StoredResponse(id);
        if (!OwnedBy(await db.HashGetAsync(key, Owner), owner)) return false;
        return await db.KeyDeleteAsync(key);
    }

    private async Task<IDatabase> DatabaseAsync() =>
        await redis.DatabaseAsync() ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "no Redis configured");

    private static void Add(List<StoredItems> items, string turn, bool isOutput, RedisValue json)
    {
        if (!json.IsNullOrEmpty) items.Add(new StoredItems(turn, isOutput, (byte[])json!));
    }

    private static bool OwnedBy(RedisValue stored, string owner)
    {
        if (stored.IsNullOrEmpty) return false;
        var a = (byte[])stored!;
        var b = Encoding.UTF8.GetBytes(owner);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
