#pragma once

#include <string>
#include <vector>

#include "adapters/storage/database.hpp"

namespace fr {

// Brings the schema to this binary's version, all pending migrations in one transaction.
// Errors: kFailedPrecondition when the database was written by a newer binary; kUnavailable
// when a migration fails (nothing is applied then).
// Migrations live in migrations/ as NNNN_name.sql (both dialects) and, where the dialects'
// SQL differs (triggers), NNNN_name.sqlite.sql and NNNN_name.postgresql.sql (decision 0036).
// On PostgreSQL the whole run holds an advisory lock: nodes starting at once migrate once.
Status ApplyMigrations(Database& database);

// The statements version `version` runs on `dialect`, in order (for tests).
std::vector<std::string> MigrationStatements(int version, Dialect dialect);

}  // namespace fr
