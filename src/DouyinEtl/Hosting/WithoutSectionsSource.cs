using Microsoft.Extensions.Configuration;

namespace DouyinEtl.Hosting;

/// <summary>Everything another configuration source holds except some sections (e.g. the environment without its accounts).</summary>
internal sealed class WithoutSectionsSource(IConfigurationSource inner, IReadOnlyList<string> hiddenSections) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(inner.Build(builder), hiddenSections);

    private sealed class Provider(IConfigurationProvider inner, IReadOnlyList<string> hiddenSections) : ConfigurationProvider
    {
        public override void Load()
        {
            inner.Load();
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            Copy(null);
            Data = data;

            void Copy(string? parent)
            {
                foreach (var key in inner.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    var path = parent is null ? key : ConfigurationPath.Combine(parent, key);
                    if (hiddenSections.Contains(path, StringComparer.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    if (inner.TryGet(path, out var value))
                    {
                        data[path] = value;
                    }

                    Copy(path);
                }
            }
        }
    }
}
