-- tests/data/mapped_schema.sql: the sample company under German names, for the schema
-- mapping of the business tools (tenant `mapped`, profile key `schema:`).
-- Loaded by scripts/db.sh load into an empty database `saia_mapped`, AFTER saia_demo:
-- the rows are copied from saia_demo with INSERT ... SELECT, so both databases hold the
-- same invoices, lines and contacts (same numbers, dates, totals, statuses) and the tools
-- must give the same answers on both. Column order and types match saia_demo's tables
-- column for column, so even the row arrays compare equal; only the names differ.
SET NAMES utf8mb4;
SET time_zone = '+00:00';
SET foreign_key_checks = 0;
SET sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

DROP TABLE IF EXISTS rechnungspositionen, rechnungen, kontakte, `select`, notizen_latin1;

-- invoices: id, invoice_number, customer_id, invoice_date, due_date, status, total_amount,
-- currency, notes
CREATE TABLE rechnungen (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  nr VARCHAR(32) NOT NULL,
  kunde INT UNSIGNED NOT NULL,
  datum DATE NOT NULL,
  faellig_am DATE NOT NULL,
  zustand ENUM('draft','sent','paid','overdue','cancelled') NOT NULL DEFAULT 'draft',
  betrag DECIMAL(12,2) NOT NULL DEFAULT 0.00 COMMENT 'Summe der Positionen',
  waehrung CHAR(3) NOT NULL DEFAULT 'EUR',
  notiz TEXT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_rechnungen_nr (nr),
  KEY idx_rechnungen_kunde (kunde),
  KEY idx_rechnungen_datum (datum)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Ausgangsrechnungen';

-- invoice_items: id, invoice_id, product_id, quantity, unit_price, line_total
CREATE TABLE rechnungspositionen (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  rechnung INT UNSIGNED NOT NULL,
  artikel INT UNSIGNED NOT NULL,
  menge INT UNSIGNED NOT NULL,
  einzelpreis DECIMAL(10,2) NOT NULL,
  zeilensumme DECIMAL(12,2) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_positionen_rechnung (rechnung),
  CONSTRAINT fk_positionen_rechnung FOREIGN KEY (rechnung) REFERENCES rechnungen (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Rechnungspositionen';

-- contacts: id, customer_id, name, email, phone, company, created_at
CREATE TABLE kontakte (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  kunde INT UNSIGNED NULL,
  voller_name VARCHAR(128) NOT NULL,
  e_mail VARCHAR(190) NULL,
  telefon VARCHAR(32) NULL,
  firma VARCHAR(128) NULL,
  angelegt_am DATETIME NOT NULL,
  PRIMARY KEY (id),
  KEY idx_kontakte_name (voller_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Ansprechpartner';

-- A reserved word as a table name (identifier quoting), and a latin1 table.
CREATE TABLE `select` (
  id INT UNSIGNED NOT NULL,
  `from` VARCHAR(32) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='reserved-word table name';

CREATE TABLE notizen_latin1 (
  id INT UNSIGNED NOT NULL,
  text VARCHAR(64) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COMMENT='a latin1 table';

INSERT INTO rechnungen (id, nr, kunde, datum, faellig_am, zustand, betrag, waehrung, notiz)
  SELECT id, invoice_number, customer_id, invoice_date, due_date, status, total_amount,
         currency, notes
    FROM saia_demo.invoices ORDER BY id;

INSERT INTO rechnungspositionen (id, rechnung, artikel, menge, einzelpreis, zeilensumme)
  SELECT id, invoice_id, product_id, quantity, unit_price, line_total
    FROM saia_demo.invoice_items ORDER BY id;

INSERT INTO kontakte (id, kunde, voller_name, e_mail, telefon, firma, angelegt_am)
  SELECT id, customer_id, name, email, phone, company, created_at
    FROM saia_demo.contacts ORDER BY id;

INSERT INTO `select` (id, `from`) VALUES (1, 'where'), (2, 'group by');
INSERT INTO notizen_latin1 (id, text) VALUES (1, 'Grüße aus Köln'), (2, 'naïve café ÿ');

SET foreign_key_checks = 1;
