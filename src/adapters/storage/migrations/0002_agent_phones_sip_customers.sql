-- Users' agent phones and organisations' SIP customer accounts.
CREATE TABLE agent_phones (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  is_active INTEGER NOT NULL CHECK (is_active IN (0, 1)),
  UNIQUE (user_id, phone)
);

CREATE TABLE sip_customers (
  organization_id BIGINT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  street TEXT NOT NULL,
  street_housenumber BIGINT NOT NULL CHECK (street_housenumber >= 1),
  city_code TEXT NOT NULL,
  city TEXT NOT NULL,
  country TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
