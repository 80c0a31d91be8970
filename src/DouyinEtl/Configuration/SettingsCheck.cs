using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace DouyinEtl.Configuration;

/// <summary>
/// Checks every configured key of our sections before anything is bound, and reports all problems at once: a key
/// that names no setting (with the nearest one: a typo in <c>Sync:MaxCallsPerRun</c> must not mean "no budget") and a
/// value that does not convert to its setting's type. Our sections and their keys are read from the options classes
/// themselves (each has a <c>Section</c> constant; its public settable properties are the keys), so a new option is
/// known without a list to update. A top-level name that is not ours is left alone — the environment is full of them —
/// unless it is one edit away from one of ours (two for longer names): <c>Snyc</c>, <c>TikHb</c>.
/// </summary>
internal static class SettingsCheck
{
    /// <summary>Options classes bound as a list of entries (<c>Accounts:0:Id</c>, <c>Accounts:1:Id</c>, …) rather than as one object.</summary>
    private static readonly HashSet<Type> ListSections = [typeof(AccountOptions)];

    private static readonly Dictionary<string, Type> Sections = Discover();

    /// <summary>Our sections, each with the type its keys are read from.</summary>
    public static IReadOnlyDictionary<string, Type> Known => Sections;

    /// <summary>Every problem, one line each, naming the key; never a secret's value (secrets are strings, which always convert).</summary>
    public static List<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var section in configuration.GetChildren())
        {
            if (Sections.TryGetValue(section.Key, out var type))
            {
                Check(section, Sections.Keys.First(k => string.Equals(k, section.Key, StringComparison.OrdinalIgnoreCase)), type, problems);
            }
            else if (Nearest(section.Key, Sections.Keys) is { } ours)
            {
                problems.Add($"{section.Key} is not a section of douyin-etl: did you mean {ours}? (as {Example(section, ours)})");
            }
        }

        return problems;
    }

    /// <summary>
    /// Checks <paramref name="section"/>, named <paramref name="path"/> in messages: the path spelled as our settings
    /// are, since the configuration's own spelling of a section is whichever variable it happened to read first.
    /// </summary>
    private static void Check(IConfigurationSection section, string path, Type type, List<string> problems)
    {
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(scalar))
        {
            if (section.Value is { } value && !Converts(value, type, scalar))
            {
                problems.Add($"{path} '{value}' is not {Describe(scalar)}.");
            }

            foreach (var child in section.GetChildren())
            {
                problems.Add($"{path}:{child.Key} is not a setting: {path} is a single value.");
            }

            return;
        }

        if (!string.IsNullOrEmpty(section.Value))
        {
            problems.Add($"{path} is a group of settings, not a value: set {path}:<key> (e.g. {path}__<key> in the environment).");
        }

        if (ElementType(type) is { } element)
        {
            foreach (var child in section.GetChildren())
            {
                if (int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    Check(child, $"{path}:{child.Key}", element, problems);
                }
                else
                {
                    problems.Add($"{path}:{child.Key} is not a setting: {path} is a list, numbered from 0 ({path}:0:…, {path}__0__… in the environment).");
                }
            }

            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in section.GetChildren())
            {
                Check(child, $"{path}:{child.Key}", valueType, problems);
            }

            return;
        }

        var properties = Settings(type);
        foreach (var child in section.GetChildren())
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                Check(child, $"{path}:{property.Name}", property.PropertyType, problems);
            }
            else
            {
                var near = Nearest(child.Key, properties.Keys);
                problems.Add(near is not null
                    ? $"{path}:{child.Key} is not a setting: did you mean {path}:{near}?"
                    : $"{path}:{child.Key} is not a setting. Settings of {path}: {string.Join(", ", properties.Keys)}.");
            }
        }
    }

    private static Dictionary<string, Type> Discover()
    {
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in typeof(SettingsCheck).Assembly.GetTypes())
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetRawConstantValue() is string name)
            {
                sections.Add(name, ListSections.Contains(type) ? typeof(List<>).MakeGenericType(type) : type);
            }
        }

        return sections;
    }

    /// <summary>What the configuration binder sets: public instance properties with a public setter.</summary>
    private static Dictionary<string, PropertyInfo> Settings(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly)
        || type == typeof(Guid) || type == typeof(Uri);

    /// <summary>As the binder converts: an empty value of a nullable setting is null; anything else through the type's converter.</summary>
    private static bool Converts(string value, Type type, Type scalar)
    {
        if (scalar == typeof(string) || (value.Length == 0 && type != scalar))
        {
            return true;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(scalar).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or NotSupportedException)
        {
            return false;
        }
    }

    private static string Describe(Type type) =>
        type == typeof(bool) ? "true or false"
        : type == typeof(int) ? "a whole number up to 2147483647"
        : type == typeof(long) ? "a whole number"
        : type == typeof(double) || type == typeof(decimal) ? "a number (with '.' for decimals)"
        : type == typeof(TimeSpan) ? "a duration like 00:00:30 (hh:mm:ss) or 1.00:00:00 (d.hh:mm:ss)"
        : type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type))}"
        : $"a {type.Name}";

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() is var definition && (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>))
            ? type.GetGenericArguments()[0]
            : null;

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition && (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>))
            ? type.GetGenericArguments()[1]
            : null;

    private static string Example(IConfigurationSection section, string ours) =>
        section.GetChildren().FirstOrDefault() is { } child ? $"{ours}:{child.Key}" : ours;

    /// <summary>The candidate one edit from <paramref name="name"/> (two for names over five letters), ignoring case; null if none or several.</summary>
    internal static string? Nearest(string name, IEnumerable<string> candidates)
    {
        var allowed = name.Length > 5 ? 2 : 1;
        var near = candidates
            .Select(c => (Candidate: c, Distance: Distance(name.ToUpperInvariant(), c.ToUpperInvariant())))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .ToList();
        return near.Count > 0 && (near.Count == 1 || near[0].Distance < near[1].Distance) ? near[0].Candidate : null;
    }

    /// <summary>Edit distance counting a swap of two neighbours as one edit (optimal string alignment).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
