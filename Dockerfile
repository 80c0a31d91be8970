# Multi-stage build of the worker: the SDK image compiles and publishes, a chiseled (distroless, non-root, no shell)
# ASP.NET runtime image runs it. The same publish output holds douyin-sandbox.dll (docker-compose runs the sandbox
# from this image). tests/DouyinEtl.Tests/Deploy/DockerfileTests.cs runs this file's publish step on a copy of the
# build context, so a missing COPY fails the tests.
#   docker build -t douyin-etl .
#   docker run --rm --env-file etl.env douyin-etl                  # the clustered daemon (default command)
#   docker run --rm --env-file etl.env douyin-etl run item-list    # one job once (cron / Kubernetes CronJob mode)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig appsettings.json ./
COPY migrations/ migrations/
COPY src/ src/
RUN dotnet publish src/DouyinEtl/DouyinEtl.csproj -c Release -o /app --nologo

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
