# Multi-stage build of the worker. The runtime image holds only the published app and runs as a non-root user.
#   docker build -t douyin-etl .
#   docker run --rm -e TikHub__ApiKey=… -e ConnectionStrings__Warehouse=… douyin-etl run item-list
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig appsettings.json ./
COPY migrations/ migrations/
COPY src/ src/
RUN dotnet publish src/DouyinEtl/DouyinEtl.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The app user (uid 1654) ships with the .NET images.
USER app
ENV DOTNET_gcServer=0 \
    Logging__Console__FormatterName=json
ENTRYPOINT ["dotnet", "/app/douyin-etl.dll"]
CMD ["run", "item-list"]
