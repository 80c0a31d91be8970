using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace DouyinEtl.Warehouse;

/// <summary>A local user's numeric ids.</summary>
internal sealed record PosixUser(string Name, uint Uid, uint Gid);

/// <summary>
/// A directory only one user can enter, made safely in a shared place such as /tmp. A new one is created with mode 0700
/// by mkdir(2), which never follows a link, and handed to its owner with lchown(2); an existing one is inspected without
/// following links (statx with AT_SYMLINK_NOFOLLOW) and refused, never followed, chmod-ed or chown-ed, when it is a
/// symbolic link, not a directory, owned by someone else, or open to other users.
/// </summary>
internal static class PrivateDirectory
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxTypeModeUid = 0x1 | 0x2 | 0x8;
    private const int FileTypeMask = 0xF000;
    private const int Directory = 0x4000;
    private const int SymbolicLink = 0xA000;
    private const int NoSuchFile = 2;
    private const int AlreadyExists = 17;

    /// <summary>The user this process runs as.</summary>
    public static PosixUser CurrentUser => new(Environment.UserName, geteuid(), getegid());

    public static bool IsRoot => geteuid() == 0;

    /// <summary>A local user by name (e.g. <c>postgres</c>), or null when there is none.</summary>
    public static PosixUser? FindUser(string name)
    {
        var entry = getpwnam(name);
        if (entry == IntPtr.Zero)
        {
            return null;
        }

        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... }
        return new PosixUser(name, (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size), (uint)Marshal.ReadInt32(entry, (2 * IntPtr.Size) + 4));
    }

    /// <summary>
    /// Makes sure <paramref name="path"/> is a directory owned by <paramref name="owner"/> with no access for anyone else,
    /// creating it if it does not exist. Only a directory this call created is chown-ed (when <paramref name="owner"/> is
    /// another user than this process's, e.g. <c>postgres</c> for a server started by root).
    /// </summary>
    public static void Ensure(string path, PosixUser owner)
    {
        path = Path.GetFullPath(path);
        if (Lstat(path) is null)
        {
            var parent = Path.GetDirectoryName(path);
            if (parent is not null)
            {
                System.IO.Directory.CreateDirectory(parent);
            }

            if (mkdir(path, Convert.ToUInt32("700", 8)) == 0)
            {
                if (owner.Uid != geteuid() && lchown(path, owner.Uid, owner.Gid) != 0)
                {
                    throw Failure($"could not hand {path} to {owner.Name}");
                }
            }
            else if (Marshal.GetLastPInvokeError() != AlreadyExists)
            {
                throw Failure($"could not create {path}");
            }
        }

        var (mode, uid) = Lstat(path) ?? throw new InvalidOperationException($"{path} vanished while it was being created.");
        const string advice = "Name a directory that does not exist yet: it is created privately.";
        if ((mode & FileTypeMask) == SymbolicLink)
        {
            throw new InvalidOperationException($"{path} is a symbolic link: the demo's cluster directory is never reached through a link. {advice}");
        }

        if ((mode & FileTypeMask) != Directory)
        {
            throw new InvalidOperationException($"{path} exists and is not a directory. {advice}");
        }

        if (uid != owner.Uid)
        {
            throw new InvalidOperationException($"{path} belongs to uid {uid}, not to {owner.Name} (uid {owner.Uid}), who runs the server. {advice}");
        }

        if ((mode & Convert.ToInt32("077", 8)) != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{path} is open to other users (mode {Convert.ToString(mode & Convert.ToInt32("777", 8), 8)}), and a cluster in it must be private: " +
                $"stop any server there and remove it, or chmod 700 it. {advice}"));
        }
    }

    /// <summary>
    /// Writes <paramref name="contents"/> to a new file readable only by <paramref name="owner"/> (0600). The file must
    /// not exist (O_CREAT|O_EXCL, so a planted link is refused, not followed); it is chown-ed when the owner is another user.
    /// </summary>
    public static void CreateFile(string path, string contents, PosixUser owner)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(contents);
        }

        if (owner.Uid != geteuid() && lchown(path, owner.Uid, owner.Gid) != 0)
        {
            throw Failure($"could not hand {path} to {owner.Name}");
        }
    }

    /// <summary>Type and permission bits and owner of <paramref name="path"/> itself (a link is not followed), or null when nothing is there.</summary>
    private static (int Mode, uint Uid)? Lstat(string path)
    {
        // struct statx is the same on every Linux architecture: stx_uid at offset 20, stx_mode (16 bits) at 28.
        var buffer = new byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxTypeModeUid, buffer) != 0)
        {
            return Marshal.GetLastPInvokeError() == NoSuchFile ? null : throw Failure($"could not inspect {path}");
        }

        return (BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28)), BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20)));
    }

    private static InvalidOperationException Failure(string what) => new($"{what}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int mkdir([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int lchown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);

    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc")]
    private static extern uint getegid();

    [DllImport("libc")]
    private static extern IntPtr getpwnam([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
