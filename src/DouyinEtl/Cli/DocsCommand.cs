using System.CommandLine;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Runs;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DouyinEtl.Cli;

/// <summary>
/// `douyin-etl docs`: the data dictionary (tables, views, columns and their COMMENTs) of the configured database as
/// Markdown. Reads the catalog only and never migrates, so the analysts' read-only login can run it too.
/// </summary>
internal static class DocsCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo?>("--output") { Description = "Write the Markdown to this file (e.g. docs/data-dictionary.md) instead of standard output." };
        output.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<FileInfo?>() is not { } file)
            {
                return;
            }

            if (Directory.Exists(file.FullName))
            {
                result.AddError($"--output {file}: that is a directory; name a file in it (e.g. {Path.Combine(file.ToString(), "data-dictionary.md")}).");
            }
            else if (!Directory.Exists(file.DirectoryName))
            {
                result.AddError($"--output {file}: the directory {file.DirectoryName} does not exist.");
            }
        });
        var schema = new Option<string>("--schema") { Description = "Schema to document.", DefaultValueFactory = _ => DataDictionary.AnalystSchema };
        var command = new Command("docs", "Print the data dictionary of the analyst schema (tables, views, columns and their comments) as Markdown, read from the database's catalog.")
        {
            output,
            schema,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            using var host = await CommandLine.StartAsync(WorkerRole.Warehouse, parse, cancellationToken, migrate: false);
            var name = parse.GetValue(schema)!;
            await using var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);
            var relations = await DataDictionary.ReadAsync(connection, name, cancellationToken);
            if (relations.Count == 0)
            {
                await Console.Error.WriteLineAsync($"Schema '{name}' has no tables or views in this database. Run `douyin-etl migrate` first, or check --schema.");
                return (int)ExitCode.Failed;
            }

            var markdown = DataDictionary.ToMarkdown(name, await DataDictionary.ReadSchemaCommentAsync(connection, name, cancellationToken), relations);
            if (parse.GetValue(output) is { } file)
            {
                try
                {
                    await File.WriteAllTextAsync(file.FullName, markdown, cancellationToken);
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                {
                    throw new ConfigurationException($"--output {file}: cannot be written ({ex.Message}).");
                }

                Console.WriteLine($"Wrote {relations.Count} tables and views of schema '{name}' to {file.FullName}.");
            }
            else
            {
                Console.Write(markdown);
            }

            return (int)ExitCode.Ok;
        }));
        return command;
    }
}
