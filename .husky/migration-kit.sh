# Shared by .husky/pre-commit and .husky/pre-push (sourced; POSIX sh, as husky runs hooks with `sh -e`).
# Git runs hooks at the top of the work tree. Neither hook hard-codes a path; this file finds:
#   the kit        the one folder in git holding scripts/check-sync.ts and lib/checks/sync.ts (the repository
#                  root, tools/migration-kit/, …), or MIGRATION_KIT_DIR when set (relative to the repository root);
#   the projects   every folder <project>/supabase/migrations in git (supabase/, apps/db/supabase/, …). Each check
#                  runs in <project> (when it exists on disk), so it reads <project>/.env and finds
#                  <project>/supabase/config.toml as the Supabase CLI does.
# A hook that cannot find the kit or tsx fails with one line; it never passes without checking.
# Each check runs through .husky/migration-kit.mjs: from a bundle of the script kept in node_modules/.cache/ and
# rebuilt when a kit source changes, or through tsx (with one line saying why) when there is no bundle to be had.

# Projects under the folders in MIGRATION_KIT_SKIP (space-separated, relative to the repository root) are left
# alone, each with a line saying so. Unset, it is the kit's own test fixtures and examples (<kit>/tests/fixtures/,
# <kit>/examples/, the demo's broken project), which are broken on purpose; a copied kit has neither folder.

kit_fail() {
  echo "migration-kit: $1" >&2
  exit 2
}

# Sets KIT (absolute), KIT_MODULES and KIT_LAUNCHER: the kit's folder, the node_modules at or above it that holds
# tsx, and the launcher beside this file.
kit_find() {
  if [ -n "${MIGRATION_KIT_DIR:-}" ]; then
    [ -f "$MIGRATION_KIT_DIR/scripts/check-sync.ts" ] || kit_fail "MIGRATION_KIT_DIR=$MIGRATION_KIT_DIR holds no scripts/check-sync.ts. Point it at the folder holding the kit's scripts/ and lib/."
    KIT=$MIGRATION_KIT_DIR
  else
    kits=
    # Paths cut with parameter expansion, not dirname: each command substitution is a fork, each dirname an exec,
    # and the hook runs on every commit.
    for f in $(git ls-files -- 'scripts/check-sync.ts' '*/scripts/check-sync.ts'); do
      d=${f%scripts/check-sync.ts}
      d=${d%/}
      d=${d:-.}
      [ -f "$d/lib/checks/sync.ts" ] && kits="$kits $d"
    done
    set -- $kits
    [ $# -eq 0 ] && kit_fail "cannot find the migration kit (no scripts/check-sync.ts with lib/ beside it in git). git add the kit's scripts/ and lib/, or set MIGRATION_KIT_DIR."
    [ $# -gt 1 ] && kit_fail "found $# copies of the migration kit ($*). Set MIGRATION_KIT_DIR to the one the hooks should run."
    KIT=$1
  fi
  KIT=$(cd "$KIT" && pwd)
  kit_pre="$(kit_relative "$KIT")/"
  [ "$kit_pre" = ./ ] && kit_pre=
  kit_skip=${MIGRATION_KIT_SKIP-"${kit_pre}tests/fixtures/ ${kit_pre}examples/"}
  d=$KIT
  while [ ! -x "$d/node_modules/.bin/tsx" ]; do
    [ "$d" = / ] && kit_fail "no node_modules/.bin/tsx in $KIT or above it. Run npm install (tsx is one of the kit's dependencies)."
    d=$(dirname "$d")
  done
  KIT_MODULES=$d/node_modules
  # One Node process per check (the tsx CLI starts a second one; npx adds a package lookup); the launcher falls
  # back on tsx's loader, so it must be there.
  [ -f "$KIT_MODULES/tsx/dist/loader.mjs" ] || kit_fail "no $KIT_MODULES/tsx/dist/loader.mjs. Run npm install (tsx is one of the kit's dependencies)."
  # Beside this file, which hooks source as "$(dirname "$0")/migration-kit.sh"; absolute, as checks run in each
  # project's folder (git runs hooks at the top of the work tree).
  case $0 in
    /*) KIT_LAUNCHER=${0%/*}/migration-kit.mjs ;;
    */*) KIT_LAUNCHER=$PWD/${0%/*}/migration-kit.mjs ;;
    *) KIT_LAUNCHER=$PWD/migration-kit.mjs ;;
  esac
  [ -f "$KIT_LAUNCHER" ] || kit_fail "no $KIT_LAUNCHER. Copy migration-kit.mjs into .husky/ beside migration-kit.sh."
}


# A path relative to the top of the work tree ("." for the top itself).
kit_relative() {
  top=$(pwd)
  case $1 in
    "$top") echo . ;;
    "$top"/*) echo "${1#"$top"/}" ;;
    *) echo "$1" ;;
  esac
}

# The projects of a list of paths (one a line): the folders holding supabase/migrations/<file>, "." for the top.
kit_projects() {
  sed -n 's#^\(.*\)/supabase/migrations/[^/]*$#\1#p; s#^supabase/migrations/[^/]*$#.#p' | sort -u
}

# True (and says so) when a project is under MIGRATION_KIT_SKIP.
kit_skipped() {
  for s in $kit_skip; do
    s=${s#./}
    case "$1/" in
      "${s%/}"/*)
        echo "migration-kit: $1 not checked (under MIGRATION_KIT_SKIP=$kit_skip)."
        return 0
        ;;
    esac
  done
  return 1
}

# Where a project's checks run: the project folder, or the top when the work tree lacks it (a pushed branch that
# is not checked out).
kit_cwd() {
  if [ -d "$1" ]; then (cd "$1" && pwd); else pwd; fi
}

# kit_run <project> <script> [flags…]: one check of one project's migrations folder.
kit_run() {
  p=$1
  script=$2
  shift 2
  dir=$(pwd)/$p/supabase/migrations
  (cd "$(kit_cwd "$p")" && node "$KIT_LAUNCHER" "$KIT_MODULES" "$KIT" "$script" --dir "$dir" "$@" </dev/null)
}

# True when the checks of a project can reach a database: SUPABASE_DB_URL or DATABASE_URL in the environment or
# in the .env the scripts read (in the folder they run in).
kit_has_db_url() {
  [ -n "${SUPABASE_DB_URL:-}${DATABASE_URL:-}" ] && return 0
  env_file=$(kit_cwd "$1")/.env
  [ -f "$env_file" ] && grep -Eq '^[[:space:]]*(export[[:space:]]+)?(SUPABASE_DB_URL|DATABASE_URL)[[:space:]]*=[[:space:]]*[^[:space:]#]' "$env_file"
}
