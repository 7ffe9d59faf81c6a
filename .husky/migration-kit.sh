# Shared by .husky/pre-commit and .husky/pre-push (sourced; POSIX sh, as husky runs hooks with `sh -e`).
# Git runs hooks at the top of the work tree. Neither hook hard-codes a path; this file finds:
#   the kit        the one folder in git holding scripts/check-sync.ts and lib/checks/sync.ts (the repository
#                  root, tools/migration-kit/, …), or MIGRATION_KIT_DIR when set (relative to the repository root);
#   the projects   every folder <project>/supabase/migrations in git (supabase/, apps/db/supabase/, …). Each check
#                  runs in <project> (when it exists on disk), so it reads <project>/.env and finds
#                  <project>/supabase/config.toml as the Supabase CLI does.
# A hook that cannot find the kit or tsx fails with one line; it never passes without checking.

# Projects under the folders in MIGRATION_KIT_SKIP (space-separated, relative to the repository root) are left
# alone, each with a line saying so. Unset, it is the kit's own test fixtures and examples (<kit>/tests/fixtures/,
# <kit>/examples/, the demo's broken project), which are broken on purpose; a copied kit has neither folder.

kit_fail() {
  echo "migration-kit: $1" >&2
  exit 2
}

# Sets KIT (absolute) and TSX_LOADER: the kit's folder, and tsx's loader from node_modules at or above it.
kit_find() {
  if [ -n "${MIGRATION_KIT_DIR:-}" ]; then
    [ -f "$MIGRATION_KIT_DIR/scripts/check-sync.ts" ] || kit_fail "MIGRATION_KIT_DIR=$MIGRATION_KIT_DIR holds no scripts/check-sync.ts. Point it at the folder holding the kit's scripts/ and lib/."
    KIT=$MIGRATION_KIT_DIR
  else
    kits=
    for f in $(git ls-files -- 'scripts/check-sync.ts' '*/scripts/check-sync.ts'); do
      d=$(dirname "$(dirname "$f")")
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
  # node --import tsx's loader: one Node process (the tsx CLI starts a second one; npx adds a package lookup).
  TSX_LOADER=$d/node_modules/tsx/dist/loader.mjs
  [ -f "$TSX_LOADER" ] || kit_fail "no $TSX_LOADER. Run npm install (tsx is one of the kit's dependencies)."
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
  (cd "$(kit_cwd "$p")" && node --import "$TSX_LOADER" "$KIT/scripts/$script.ts" --dir "$dir" "$@" </dev/null)
}

# True when the checks of a project can reach a database: SUPABASE_DB_URL or DATABASE_URL in the environment or
# in the .env the scripts read (in the folder they run in).
kit_has_db_url() {
  [ -n "${SUPABASE_DB_URL:-}${DATABASE_URL:-}" ] && return 0
  env_file=$(kit_cwd "$1")/.env
  [ -f "$env_file" ] && grep -Eq '^[[:space:]]*(export[[:space:]]+)?(SUPABASE_DB_URL|DATABASE_URL)[[:space:]]*=[[:space:]]*[^[:space:]#]' "$env_file"
}
