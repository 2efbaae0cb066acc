namespace Bridge.Admin.Stores;

/// <summary>A model a session used and how many of its requests went to it.</summary>
public sealed record SessionModel(string Name, long Requests);
