namespace DouyinEtl.Configuration;

/// <summary>
/// The section <c>Secrets</c>: a directory with one file per setting, named like the environment variable
/// (<c>TikHub__ApiKey</c>, <c>Accounts__0__Cookie</c>) — a mounted Kubernetes Secret, Docker secrets, or systemd's
/// credentials directory. Read by the host before anything else is bound.
/// </summary>
internal sealed class SecretsOptions
{
    public const string Section = "Secrets";

    public const string DirectoryKey = Section + ":" + nameof(Directory);

    public string? Directory { get; set; }
}
