namespace DouyinEtl.Tests.Infrastructure;

/// <summary>Credentials that pass start-up validation (the shape of a real creator-center cookie) for hosts that never call anyone.</summary>
internal static class TestCredentials
{
    public const string Cookie = "sessionid=0123456789abcdef0123456789abcdef; sid_tt=0123456789abcdef0123456789abcdef";

    public const string ApiKey = "test-api-key";
}
