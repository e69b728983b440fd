/* admin: the shared declarations of lianxin-admin's commands (migrate, seed,
 * users and keys, audit). Each command is a blocking, run-once function over
 * one db_t; none of them ever prints a password, a key's hash or personal data
 * of the public. */
#ifndef LIANXIN_ADMIN_H
#define LIANXIN_ADMIN_H

#include <stddef.h>
#include "config.h"
#include "db.h"

/* Exit codes of every command. */
#define ADMIN_OK      0
#define ADMIN_REFUSED 1     /* the command ran and said no (changed migration, broken chain) */
#define ADMIN_ERROR   2     /* usage, unreachable database, SQL error */

/* The parsed command line: `lianxin-admin [-c CONFIG] [--dsn DSN] <command> [options]`. */
typedef struct admin_opts {
    const char *command;
    const char *dsn;            /* --dsn, else <admin_dsn_program>.pg_dsn */
    const char *sql_dir;        /* --sql-dir, else admin.sql_dir, else next to the binary */
    const char *username;
    const char *role;
    const char *district;
    const char *member_id;
    const char *unit_id;
    const char *name;
    const char *display_name;
    const char *batch;          /* rekey --batch N */
    const char *max_batches;    /* rekey --max-batches N */
    const config_t *cfg;
} admin_opts_t;

/* ---- migrate.c ----------------------------------------------------------- */

/* One migration file: deploy/sql/NNN_name.sql. */
typedef struct migration {
    int version;
    char name[128];             /* the file name, "001_foundation.sql" */
} migration_t;

/* Parses a file name "NNN_words.sql" into its version; -1 when the name is
 * not a migration's (no digits, no '_', not ".sql", version 0 or too big). */
int migrate_parse_name(const char *name);

/* Lists the migrations of `dir` into `out` (up to `max`), sorted by version.
 * Returns the count, or -1 (and logs why) when the directory cannot be read,
 * a name repeats a version, or there are more than `max`. */
int migrate_list(const char *dir, migration_t *out, int max);

/* Applies the pending migrations of `sql_dir` under an advisory lock, each in
 * its own transaction with its row in public.schema_migrations. Refuses
 * (ADMIN_REFUSED, naming the file) when an applied file's SHA-256 changed. */
int migrate_run(db_t *db, const char *sql_dir);

/* The sql directory: `explicit` if given, else `exe`'s ../../deploy/sql
 * (build/bin/lianxin-admin -> deploy/sql). Writes into `out`. 0 or -1. */
int migrate_default_dir(const char *explicit_dir, const char *exe, char *out, size_t outsz);

/* ---- calendar_seed.c --------------------------------------------------------- */

/* Imports each `<year>.txt` of `dir` (calendar_load_file's format and checks)
 * into core.calendar_years/calendar_days, one transaction per year, for the
 * years that have no core.calendar_years row; a year already there is never
 * touched. Prints one line per imported year. A missing directory imports
 * nothing (ADMIN_OK); a bad file or an SQL error is ADMIN_ERROR (the other
 * years are still imported). */
int calendar_seed(db_t *db, const char *dir);

/* ---- users.c --------------------------------------------------------------- */

/* Inserts a user with an already computed password hash; returns the new id
 * through *id_out (may be NULL). member_id/unit_id NULL or "" mean none.
 * 0, or -1 (db_sqlstate tells a duplicate: 23505). */
int users_insert(db_t *db, const char *district, const char *username, const char *hash,
                 const char *role, const char *display_name, const char *member_id,
                 const char *unit_id, long long *id_out);

/* Makes a new API key for user `user_id` of `district`, stores its SHA-256 in
 * auth.api_keys and writes the key (64 hex digits) into `key`. 0 or -1. */
int users_new_key(db_t *db, const char *district, long long user_id, const char *name,
                  char key[65]);

/* 1 when `role` is one of the platform's roles, else 0. */
int users_role_valid(const char *role);

int users_cmd_create(db_t *db, const admin_opts_t *o);
int users_cmd_key(db_t *db, const admin_opts_t *o);
/* bind-partner --username U --name discipline|government: the partner
 * account U (role partner) speaks for that office (supervise.partner_accounts):
 * it reads and answers only the referrals to it. */
int users_cmd_bind_partner(db_t *db, const admin_opts_t *o);

/* ---- audit_cmd.c ------------------------------------------------------------ */

/* The config prefix of the role a command connects as: "auditor" for
 * audit-verify and audit-checkpoint, "admin" (the owner) for the rest. */
const char *admin_dsn_program(const char *command);

/* audit-verify [--district D]: audit_verify with audit.checkpoint_key when
 * set (the checkpoints' MACs are then checked too). ADMIN_OK intact,
 * ADMIN_REFUSED broken (the report on stdout), ADMIN_ERROR otherwise. */
int audit_cmd_verify(db_t *db, const admin_opts_t *o);

/* audit-checkpoint: audit_checkpoint under audit.checkpoint_key (required),
 * one line per checkpoint on stdout. ADMIN_OK, ADMIN_REFUSED when the chain
 * is broken (nothing anchored), ADMIN_ERROR otherwise. */
int audit_cmd_checkpoint(db_t *db, const admin_opts_t *o);

/* ---- rekey.c --------------------------------------------------------------- */

/* `rekey [--batch N] [--max-batches N]`: seals the clear values due for
 * sealing, then re-seals every sealed column (common/sealcols.c) whose value
 * is not under the current key and suite of the ring (crypto.*), N rows per
 * transaction (default 500), printing progress; stops after --max-batches
 * batches (a rerun goes on). ADMIN_REFUSED when some value opens with no key
 * of the ring (they are left as they are). */
int rekey_cmd(db_t *db, const admin_opts_t *o);

/* What `migrate` runs after the migrations: seals the clear values due for
 * sealing (a home visit's location recorded before migration 021) under the
 * configured ring; without crypto.key it says so and leaves them. */
int rekey_seal_clear(db_t *db, const config_t *cfg);

/* ---- seed.c ---------------------------------------------------------------- */

/* The demo data (see README.md): idempotent; prints the logins. */
int seed_demo(db_t *db);

#endif
