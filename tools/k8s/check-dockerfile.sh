#!/usr/bin/env bash
# Runs a Dockerfile's build stage without a container engine, to check that its publish commands succeed on
# exactly the files it copies: each COPY from the build context (less .dockerignore's bin/ and obj/) goes into a
# scratch root, each RUN runs there with its absolute paths moved under that root, and the runtime stage's
# `COPY --from=<build stage>` folder and what ENTRYPOINT runs must then exist: a dll run by `dotnet` on a .NET runtime
# image, or a self-contained or native (ahead-of-time compiled) executable (/app/<name>, the runtime stage's WORKDIR)
# on a runtime-deps image. It understands the plain form our Dockerfiles use (ARG, FROM ... AS, WORKDIR, COPY, RUN
# without shell operators, USER, ENV, ENTRYPOINT in JSON form) and stops on anything else rather than guess.
# Usage: tools/k8s/check-dockerfile.sh Dockerfile.detector [Dockerfile.baseline ...]
# With CHECK_DOCKERFILE_KEEP=<dir>, each checked image's publish output is kept as <dir>/<Dockerfile name>/ (moved there
# whole once checked), or <dir>/<Dockerfile name>.failed is written: make test's published-detector tests run the
# image's own executable instead of compiling the detector ahead of time a second time beside this check.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

scratch=()
trap 'rm -rf "${scratch[@]}"' EXIT
fail() {
  echo "check-dockerfile: $dockerfile: $*" >&2
  [[ -z "${CHECK_DOCKERFILE_KEEP:-}" ]] || { mkdir -p "$CHECK_DOCKERFILE_KEEP" && touch "$CHECK_DOCKERFILE_KEEP/$(basename "$dockerfile").failed"; }
  exit 1
}

check() {
  dockerfile="$1"
  [[ -f "$dockerfile" ]] || fail "no such file"
  local fs; fs="$(mktemp -d "${TMPDIR:-/tmp}/dockerfile-check.XXXXXX")"
  scratch+=("$fs")
  local stage=0 build_stage="" cwd="$fs" copied_from="" entry_dll="" entry_exe="" runtime_from="" runtime_dir="" line instruction rest

  # Join continuation lines, drop comments and blank lines.
  local joined; joined="$(sed -e 's/[[:space:]]*$//' "$dockerfile" | grep -v '^[[:space:]]*#' | sed -e ':a' -e '/\\$/N; s/\\\n[[:space:]]*/ /; ta' | grep -v '^[[:space:]]*$')"
  while IFS= read -r line; do
    instruction="${line%% *}"; rest="${line#* }"
    case "${instruction^^}" in
      ARG) ;;
      FROM)
        stage=$((stage + 1))
        if [[ $stage -eq 1 ]]; then
          [[ "$rest" =~ [[:space:]][Aa][Ss][[:space:]]+([A-Za-z0-9_-]+)$ ]] || fail "the build stage needs a name (FROM ... AS build)"
          build_stage="${BASH_REMATCH[1]}"
          [[ "$rest" == *dotnet/sdk* ]] || fail "the build stage should start from the .NET SDK image"
        else
          [[ "$rest" != *dotnet/sdk* ]] || fail "the runtime stage must not be the SDK image"
          runtime_from="$rest"
        fi
        cwd="$fs" ;;
      WORKDIR)
        if [[ $stage -eq 1 ]]; then cwd="$fs$rest"; mkdir -p "$cwd"; else runtime_dir="$rest"; fi ;;
      ENV)
        [[ $stage -eq 1 ]] && export "${rest%% *}=${rest#* }" ;;
      COPY)
        if [[ "$rest" == --from=* ]]; then
          local from="${rest%% *}"; from="${from#--from=}"; rest="${rest#* }"
          [[ "$from" == "$build_stage" ]] || fail "COPY --from=$from: not the build stage ($build_stage)"
          copied_from="${rest%% *}"
          continue
        fi
        [[ $stage -eq 1 ]] || fail "the runtime stage copies from the build context ($rest); it should copy only the publish output"
        local -a args; read -ra args <<< "$rest"
        local dest="${args[-1]}"; unset 'args[-1]'
        [[ "$dest" == /* ]] && dest="$fs$dest" || dest="$cwd/$dest"
        mkdir -p "$dest"
        local src
        for src in "${args[@]}"; do
          [[ -e "$src" ]] || fail "COPY $src: not in the build context"
          if [[ -d "$src" ]]; then
            # .dockerignore keeps bin/, obj/ and node_modules/ out of the context (not out of what is already there).
            tar -C "$src" --exclude=bin --exclude=obj --exclude=node_modules -cf - . | tar -C "$dest" -xf -
          else
            cp -a "$src" "$dest/"
          fi
        done ;;
      RUN)
        [[ $stage -eq 1 ]] || fail "RUN in the runtime stage: it should hold only the publish output"
        [[ "$rest" != *['&|;<>$`"'\''']* ]] || fail "RUN $rest: shell operators and quotes are beyond this check"
        local -a words; read -ra words <<< "$rest"
        local i
        for i in "${!words[@]}"; do [[ "${words[$i]}" == /* ]] && words[$i]="$fs${words[$i]}"; done
        echo "check-dockerfile: $dockerfile: RUN $rest"
        (cd "$cwd" && "${words[@]}") || fail "RUN $rest failed"
        ;;
      USER)
        [[ "$rest" =~ ^[0-9]+$ && "$rest" != 0 ]] || fail "USER $rest: use a numeric non-root uid (the kubelet checks runAsNonRoot on it)" ;;
      ENTRYPOINT)
        if [[ "$rest" =~ ^\[\"dotnet\",\ *\"([A-Za-z0-9._-]+\.dll)\"\]$ ]]; then
          entry_dll="${BASH_REMATCH[1]}"
        elif [[ "$rest" =~ ^\[\"(/[A-Za-z0-9._/-]+)/([A-Za-z0-9._-]+)\"\]$ ]]; then
          [[ "${BASH_REMATCH[1]}" == "$runtime_dir" ]] || fail "ENTRYPOINT $rest: expected the executable in the runtime stage's WORKDIR ($runtime_dir)"
          entry_exe="${BASH_REMATCH[2]}"
        else
          fail "ENTRYPOINT $rest: expected [\"dotnet\", \"<app>.dll\"] or [\"<WORKDIR>/<app>\"]"
        fi ;;
      *) fail "instruction $instruction is beyond this check" ;;
    esac
  done <<< "$joined"

  [[ -n "$copied_from" ]] || fail "the runtime stage copies nothing from the build stage"
  [[ -n "$entry_dll$entry_exe" ]] || fail "no ENTRYPOINT"
  [[ -d "$fs$copied_from" ]] || fail "the build stage left no $copied_from"
  if [[ -n "$entry_dll" ]]; then
    [[ "$runtime_from" == *dotnet/runtime:* ]] || fail "ENTRYPOINT runs $entry_dll with dotnet: the runtime stage needs a .NET runtime image, not $runtime_from"
    [[ -f "$fs$copied_from/$entry_dll" ]] || fail "ENTRYPOINT runs $entry_dll, which the publish output ($copied_from) lacks"
    echo "check-dockerfile: $dockerfile: ok ($entry_dll in $copied_from)"
  else
    # A self-contained or ahead-of-time compiled publish brings its own runtime: runtime-deps is the image made for it.
    # A framework-dependent executable would look for a shared runtime there is not: its publish has a
    # runtimeconfig.json naming the framework, and no runtime of its own (libcoreclr.so).
    [[ "$runtime_from" == *dotnet/runtime-deps:* ]] || fail "ENTRYPOINT runs the executable $entry_exe: the runtime stage should be a runtime-deps image, not $runtime_from"
    [[ -x "$fs$copied_from/$entry_exe" ]] || fail "ENTRYPOINT runs $entry_exe, which the publish output ($copied_from) lacks or cannot execute"
    local kind
    if [[ -f "$fs$copied_from/libcoreclr.so" ]]; then
      kind="self-contained"
    elif [[ ! -e "$fs$copied_from/$entry_exe.runtimeconfig.json" && ! -e "$fs$copied_from/$entry_exe.dll" ]]; then
      kind="native, ahead-of-time compiled,"
    else
      fail "ENTRYPOINT runs $entry_exe on a runtime-deps image, but the publish output ($copied_from) is framework-dependent (no libcoreclr.so, and $entry_exe.dll or its runtimeconfig.json)"
    fi
    echo "check-dockerfile: $dockerfile: ok ($kind $entry_exe in $copied_from)"
  fi
  if [[ -n "${CHECK_DOCKERFILE_KEEP:-}" ]]; then
    local kept; kept="$CHECK_DOCKERFILE_KEEP/$(basename "$dockerfile")"
    mkdir -p "$CHECK_DOCKERFILE_KEEP" && rm -rf "$kept" "$kept.partial"
    cp -a "$fs$copied_from" "$kept.partial" && mv "$kept.partial" "$kept"
  fi
}

[[ $# -gt 0 ]] || { echo "usage: $0 Dockerfile..." >&2; exit 2; }
for f in "$@"; do check "$f"; done
