#pragma once

#include "adapters/storage/database.hpp"

namespace fr {

// Brings the schema to this binary's version, all pending migrations in one transaction.
// Errors: kFailedPrecondition when the database was written by a newer binary; kUnavailable
// when a migration fails (nothing is applied then).
Status ApplyMigrations(Database& database);

}  // namespace fr
