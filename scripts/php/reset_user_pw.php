#!/usr/bin/env php
<?php
/**
 * reset_user_pw.php — reset a user's login for the practice scheduling app (SQLite user table).
 *
 * Purpose: Issue a one-time temporary credential for a user of a local app that keeps its users in
 *          SQLite, store only its hash, and force a change at next sign-in.
 * Usage: php reset_user_pw.php --db /srv/schedule/app.sqlite --user jdoe [--length 16] [--dry-run]
 * KB: KB-OPS-001
 *
 * Expected table: users(username TEXT UNIQUE, password_hash TEXT, must_change_password INTEGER,
 * optional updated_at TEXT). Follow SOP-004: verify the caller's identity BEFORE running this.
 *
 * The temporary credential is printed once on stdout and nowhere else; read it to the user
 * over the phone or in person. Never paste it into the ticket. Progress and errors go to stderr.
 *
 * Exit codes: 0 reset done (or dry run), 1 user not found, 2 usage error,
 *             3 database/schema error.
 */

declare(strict_types=1);

const EXIT_OK = 0;
const EXIT_NOT_FOUND = 1;
const EXIT_USAGE = 2;
const EXIT_DB = 3;

const MIN_LENGTH = 12;
const MAX_LENGTH = 64;
const DEFAULT_LENGTH = 16;
// No look-alikes (0/O, 1/l/I) so the credential can be read out over the phone.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+=?@';

function log_line(string $message): void
{
    fwrite(STDERR, 'reset_user_pw: ' . $message . PHP_EOL);
}

function fail(int $code, string $message): never
{
    log_line('error: ' . $message);
    exit($code);
}

function usage(): string
{
    return <<<TXT
    Usage: php reset_user_pw.php --db FILE --user NAME [--length N] [--dry-run]

    Reset a practice-app user's login: sets a random temporary credential (hash only stored),
    forces a change at next sign-in and prints the temporary credential once on stdout.

      --db FILE     SQLite database of the app (must exist)
      --user NAME   username to reset
      --length N    length of the temporary credential, 12-64 (default 16)
      --dry-run     check the user exists and show what would change; change nothing
      --help        show this help

    Example: php reset_user_pw.php --db /srv/schedule/app.sqlite --user jdoe

    TXT;
}

/** Pick $length characters uniformly from ALPHABET using random_bytes (rejection sampling). */
function generate_temp_credential(int $length): string
{
    $alphabetSize = strlen(ALPHABET);
    $limit = 256 - (256 % $alphabetSize);
    do {
        $chars = [];
        while (count($chars) < $length) {
            foreach (str_split(random_bytes($length * 2)) as $byte) {
                $value = ord($byte);
                if ($value < $limit && count($chars) < $length) {
                    $chars[] = ALPHABET[$value % $alphabetSize];
                }
            }
        }
        $candidate = implode('', $chars);
    } while (!preg_match('/[A-Z]/', $candidate) || !preg_match('/[a-z]/', $candidate)
        || !preg_match('/[0-9]/', $candidate));
    return $candidate;
}

/** @return array{db:string,user:string,length:int,dry_run:bool} */
function parse_args(array $argv): array
{
    $options = ['db' => null, 'user' => null, 'length' => DEFAULT_LENGTH, 'dry_run' => false];
    $args = array_slice($argv, 1);
    while ($args) {
        $arg = array_shift($args);
        $value = null;
        if (str_starts_with($arg, '--') && str_contains($arg, '=')) {
            [$arg, $value] = explode('=', $arg, 2);
        }
        switch ($arg) {
            case '--help':
            case '-h':
                fwrite(STDOUT, usage());
                exit(EXIT_OK);
            case '--dry-run':
                $options['dry_run'] = true;
                break;
            case '--db':
            case '--user':
            case '--length':
                $value ??= array_shift($args);
                if ($value === null || $value === '' || str_starts_with($value, '--')) {
                    fail(EXIT_USAGE, "option $arg needs a value\n" . usage());
                }
                $options[substr($arg, 2)] = $value;
                break;
            default:
                fail(EXIT_USAGE, "unknown argument '$arg'\n" . usage());
        }
    }
    if ($options['db'] === null || $options['user'] === null) {
        fail(EXIT_USAGE, "--db and --user are required\n" . usage());
    }
    if (!preg_match('/^[A-Za-z0-9._@-]{1,64}$/', $options['user'])) {
        fail(EXIT_USAGE, "invalid username '{$options['user']}'");
    }
    if (!is_string($options['length']) && !is_int($options['length'])) {
        fail(EXIT_USAGE, 'invalid --length');
    }
    if (!preg_match('/^\d+$/', (string) $options['length'])) {
        fail(EXIT_USAGE, "--length must be a whole number between " . MIN_LENGTH . " and " . MAX_LENGTH);
    }
    $options['length'] = (int) $options['length'];
    if ($options['length'] < MIN_LENGTH || $options['length'] > MAX_LENGTH) {
        fail(EXIT_USAGE, "--length must be between " . MIN_LENGTH . " and " . MAX_LENGTH);
    }
    if (!is_file($options['db'])) {
        fail(EXIT_USAGE, "database file not found: {$options['db']}");
    }
    return $options;
}

function open_db(string $path): PDO
{
    if (!extension_loaded('pdo_sqlite')) {
        fail(EXIT_DB, 'the pdo_sqlite extension is not loaded (apt-get install php-sqlite3)');
    }
    try {
        $pdo = new PDO('sqlite:' . $path, null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $pdo->exec('PRAGMA busy_timeout = 5000');
    } catch (PDOException $e) {
        fail(EXIT_DB, 'cannot open database: ' . $e->getMessage());
    }
    return $pdo;
}

/** @return list<string> column names of the users table */
function user_columns(PDO $pdo): array
{
    $columns = array_column($pdo->query('PRAGMA table_info(users)')->fetchAll(PDO::FETCH_ASSOC), 'name');
    foreach (['username', 'password_hash', 'must_change_password'] as $required) {
        if (!in_array($required, $columns, true)) {
            fail(EXIT_DB, "table 'users' is missing column '$required' (wrong database?)");
        }
    }
    return $columns;
}

function main(array $argv): int
{
    $options = parse_args($argv);
    $pdo = open_db($options['db']);
    try {
        $columns = user_columns($pdo);
        $find = $pdo->prepare('SELECT username, must_change_password FROM users WHERE username = :user');
        $find->execute([':user' => $options['user']]);
        $row = $find->fetch(PDO::FETCH_ASSOC);
        if ($row === false) {
            fail(EXIT_NOT_FOUND, "user '{$options['user']}' not found in {$options['db']}");
        }

        if ($options['dry_run']) {
            log_line("dry run: would set a new {$options['length']}-character temporary credential for "
                . "'{$options['user']}' and force a change at next sign-in; nothing changed");
            return EXIT_OK;
        }

        $tempCredential = generate_temp_credential($options['length']);
        $sql = 'UPDATE users SET password_hash = :hash, must_change_password = 1';
        $params = [':hash' => password_hash($tempCredential, PASSWORD_DEFAULT), ':user' => $options['user']];
        if (in_array('updated_at', $columns, true)) {
            $sql .= ', updated_at = :updated';
            $params[':updated'] = gmdate('Y-m-d\TH:i:s\Z');
        }
        $pdo->beginTransaction();
        $update = $pdo->prepare($sql . ' WHERE username = :user');
        $update->execute($params);
        if ($update->rowCount() !== 1) {
            $pdo->rollBack();
            fail(EXIT_DB, "expected to update 1 row for '{$options['user']}', updated {$update->rowCount()}");
        }
        $pdo->commit();
    } catch (PDOException $e) {
        fail(EXIT_DB, 'database error: ' . $e->getMessage());
    }

    log_line("user '{$options['user']}': temporary credential set, change forced at next sign-in. "
        . 'Log the reset in the ticket (not the value).');
    fwrite(STDOUT, $tempCredential . PHP_EOL);
    return EXIT_OK;
}

exit(main($argv));
