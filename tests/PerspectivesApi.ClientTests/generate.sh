#!/usr/bin/env bash
# Regenerates the two C# clients from the committed contract, openapi/v1.json, with the generators
# pinned in .config/dotnet-tools.json, as a third-party developer would run them. The generated code
# is committed so that `dotnet test` builds and runs the client tests on its own; CI runs this script
# and fails when the committed code differs from what the contract generates (`git diff --exit-code`).
# Run it after every change to openapi/v1.json and commit the result.
set -euo pipefail
cd "$(dirname "$0")/../.."

here=tests/PerspectivesApi.ClientTests
dotnet tool restore >/dev/null

# Kiota, with the options a newcomer gets from its quick start. On one thread: in parallel, which of
# the descriptions an enum is used with becomes its doc comment varies from run to run, and CI compares
# the output byte for byte. The update check calls out to the internet, which CI may not reach: only
# errors are shown.
KIOTA_GENERATION__MAXDEGREEOFPARALLELISM=1 KIOTA_TUTORIAL_ENABLED=false KIOTA_CLI_TELEMETRY_OPTOUT=true \
dotnet kiota generate --language CSharp --openapi openapi/v1.json \
  --class-name ArchiveClient --namespace-name PerspectivesApi.ClientTests.Kiota.Generated \
  --output "$here/Kiota/Generated" --clean-output --exclude-backward-compatible --log-level Error

# NSwag, with System.Text.Json (the shared framework's serializer) at the framework's version: at
# NSwag's default (8.0) the enums carry only [EnumMember], which System.Text.Json ignores, so no value
# with a hyphen ("news-agency", "own-words") could be read; from 9.0 on they carry
# [JsonStringEnumMemberName]. Nullable reference types (the projects compile with warnings as errors),
# optional parameters last, and responses wrapped so that headers (ETag) can be read.
rm -rf "$here/NSwag/Generated" && mkdir -p "$here/NSwag/Generated"
dotnet nswag openapi2csclient /input:openapi/v1.json /output:"$here/NSwag/Generated/ArchiveClient.cs" \
  /namespace:PerspectivesApi.ClientTests.NSwag.Generated /className:ArchiveClient \
  /jsonLibrary:SystemTextJson /jsonLibraryVersion:10.0 /generateNullableReferenceTypes:true /generateOptionalParameters:true \
  /wrapResponses:true /newLineBehavior:LF >/dev/null
