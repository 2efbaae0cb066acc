using System.Globalization;
using Bridge.Gateway.Upstream.Aws;

namespace Bridge.Tests.Upstream;

/// <summary>Bridge's Signature Version 4 against the worked examples AWS publishes for it.</summary>
public sealed class SigV4Tests
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static DateTimeOffset At(string amzDate) =>
        DateTimeOffset.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [Fact]
    public void DerivedSigningKey_MatchesAwsExample()
    {
        // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
        var key = SigV4.SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        Assert.Equal("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", Convert.ToHexStringLower(key));
    }

    [Fact]
    public void IamListUsers_MatchesAwsExample()
    {
        // AWS General Reference, "Signature Version 4 signing process" worked example (GET iam ListUsers).
        var authorization = SigV4.Authorization("GET", "/", "Action=ListUsers&Version=2010-05-08",
            [new("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), new("Host", "iam.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")],
            EmptySha256, At("20150830T123600Z"), "us-east-1", "iam", "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, "
            + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", authorization);
    }

    [Fact]
    public void S3GetObject_MatchesAwsExample()
    {
        // Amazon S3 API Reference, "Authenticating requests: Using the Authorization header", example GET object.
        var authorization = SigV4.Authorization("GET", "/test.txt", "",
            [new("Host", "examplebucket.s3.amazonaws.com"), new("Range", "bytes=0-9"), new("x-amz-content-sha256", EmptySha256), new("x-amz-date", "20130524T000000Z")],
            EmptySha256, At("20130524T000000Z"), "us-east-1", "s3", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        Assert.EndsWith("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", authorization);
    }

    [Fact]
    public void BedrockModelIdInThePath_IsEncodedAgainForSigning()
    {
        // On the wire the model id's ':' is %3A; every service but S3 signs each segment encoded once more.
        Assert.Equal("/model/anthropic.claude-sonnet-4-5-20250929-v1%253A0/invoke",
            SigV4.CanonicalUri("/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke"));
    }
}
