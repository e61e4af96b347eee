-- A member.role_changed entry names the role the member was given (issue #12 clean-up): the
-- log alone then says who became admin, not only that something changed. Null elsewhere.
ALTER TABLE audit_log ADD COLUMN role TEXT CHECK (role IN ('admin', 'member'));
