# Multi-stage build of the worker: the SDK image compiles and publishes, a chiseled (distroless, non-root, no shell)
# ASP.NET runtime image runs it. The worker's image holds the worker alone: the sandbox (a fake TikHub, for
# docker-compose and demos) is the separate target `sandbox`, so nothing fake ships to production.
# tests/DouyinEtl.Tests/Deploy/DockerfileTests.cs runs this file's publish step on a copy of the build context, so a
# missing COPY fails the tests.
#   docker build -t douyin-etl .
#   docker run --rm --env-file etl.env douyin-etl                  # the clustered daemon (default command)
#   docker run --rm --env-file etl.env douyin-etl run item-list    # one job once (cron / Kubernetes CronJob mode)
#   docker build --target sandbox -t douyin-sandbox .                # the fake TikHub (docker-compose builds it)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig appsettings.json ./
COPY migrations/ migrations/
COPY src/ src/
RUN dotnet publish src/DouyinEtl/DouyinEtl.csproj -c Release -o /app --nologo

FROM build AS sandbox-build
RUN dotnet publish src/DouyinEtl.Sandbox/DouyinEtl.Sandbox.csproj -c Release -o /sandbox --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS sandbox
WORKDIR /app
COPY --from=sandbox-build /sandbox ./
USER 1654
EXPOSE 8080
ENTRYPOINT ["dotnet", "/app/douyin-sandbox.dll"]

# The production image; last, so a plain `docker build` builds it.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# uid 1654 ("app"), as in every .NET image; Kubernetes manifests pin the same uid.
USER 1654
ENV DOTNET_gcServer=0 \
    Logging__Console__FormatterName=json \
    Daemon__Urls=http://0.0.0.0:9464
EXPOSE 9464
ENTRYPOINT ["dotnet", "/app/douyin-etl.dll"]
CMD ["daemon"]
