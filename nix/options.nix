# The options of services.ccci (imported by module.nix). Descriptions say what each setting
# becomes; docs/install.md walks through a host.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  inherit (lib)
    mkOption
    mkEnableOption
    types
    literalExpression
    ;

  cfg = config.services.ccci;
  drone = cfg.executor == "drone";

  # Most options: a type, a default and what the setting becomes.
  option =
    type: default: description:
    mkOption { inherit type default description; };

  # An optional setting: null (unset) by default.
  nullOption =
    example: description:
    mkOption {
      type = types.nullOr types.str;
      default = null;
      inherit example description;
    };

  # A secret option: an absolute path to a file that exists only at run time.
  secretFileOption =
    description:
    nullOption "/run/secrets/ccci/forge-token" ''
      ${description}
      An absolute path to a file holding only the value (e.g. a sops-nix secret). The value
      never enters the Nix store: give a string path, not a Nix path literal.
    '';

  # A path in the ccci checkout by default.
  checkoutPathOption =
    path: description:
    mkOption {
      type = types.str;
      default = "${cfg.checkout}/${path}";
      defaultText = literalExpression ''"''${config.services.ccci.checkout}/${path}"'';
      inherit description;
    };

  # A package of pkgs by default.
  packageOption =
    name: description:
    mkOption {
      type = types.package;
      default = pkgs.${name};
      defaultText = literalExpression "pkgs.${name}";
      inherit description;
    };
in
{
  options.services.ccci = {
    enable = mkEnableOption "ccci, continuous integration for Co-op Cloud recipes";

    checkout = option types.str "/var/lib/ccci/src" ''
      A ccci checkout where `pnpm install --frozen-lockfile` has been run with the same
      Node.js as {option}`services.ccci.nodejs` (better-sqlite3 is a native module). The bins
      under apps/*/bin run the TypeScript sources through tsx. Read-only to the services.
    '';

    triggerBot = checkoutPathOption "apps/trigger-bot/bin/trigger-bot" "The trigger-bot executable (a packaged build's bin/trigger-bot works too).";

    harnessRunner = checkoutPathOption "apps/harness-runner/bin/harness-runner" "The harness-runner executable. Runs and the janitor call it through the generated `ccci-harness` wrapper.";

    enrolmentDir = checkoutPathOption "recipes" "Operator enrolment: one `recipes/<name>/` folder per enrolled recipe (docs/enroll-recipe.md).";

    nodejs = mkOption {
      type = types.package;
      default = pkgs.nodejs_20 or pkgs.nodejs;
      defaultText = literalExpression "pkgs.nodejs_20 or pkgs.nodejs";
      description = "Node.js for the bins (ccci targets Node 20).";
    };

    chromium = packageOption "chromium" "Chromium for landing-page screenshots (driven by playwright-core).";

    extraPackages = option (types.listOf types.package) [ ] "More packages on the harness's PATH (e.g. one providing `abra`).";

    abra = {
      bin = mkOption {
        type = types.str;
        default = "abra";
        example = "/var/lib/ccci/bin/abra";
        description = "The abra executable: a name found on PATH or an absolute path.";
      };
      release = mkOption {
        type = types.str;
        # One pin for tests and production: the release the testbed installs (abra-release.json).
        default = (builtins.fromJSON (builtins.readFile ./abra-release.json)).version;
        readOnly = true;
        description = "The abra release ccci is tested with; `abra.bin` must be this release.";
      };
      server = option (types.strMatching "[a-z0-9][a-z0-9.-]{0,62}") "default" "The abra server runs deploy to; `abra server add --local` names it `default`.";
    };

    user = option types.str "ccci" "User of runs, the janitor, the Drone runner and (local executor) the bot; member of the docker group.";

    group = option types.str "ccci" "Primary group of {option}`services.ccci.user`.";

    botUser = option types.str "ccci-bot" ''
      User of trigger-bot with the Drone executor: no docker group, so the forge token sits
      with a process that cannot reach the swarm, and runs cannot read the token. With the
      local executor the bot starts runs itself and runs as {option}`services.ccci.user`.
    '';

    stateDir = option types.str "/var/lib/ccci" ''
      State root: `runs/`, `locks/`, `spool/`, `abra/` (the shared abra dir: servers/,
      catalogue/) owned by the ccci user, and `bot/` (SQLite, local run logs) owned by the
      bot's user.
    '';

    ciDomain = mkOption {
      type = types.str;
      example = "ci.example.org";
      description = ''
        Apps of runs are `<4 letters>-<6 hex>.<ciDomain>`. Needs a wildcard DNS record and a
        wildcard certificate for `*.<ciDomain>` in traefik. The janitor reaps only stacks
        named after this domain.
      '';
    };

    proxyNetwork = option types.str "proxy" "The overlay network traefik and apps share (Co-op Cloud's convention).";

    deadlineMinutes = option (types.ints.between 1 1440) 60 "Deadline of one run; the janitor also uses it to tell a leaked run.";

    depSrc = option types.str "https://git.coopcloud.tech/coop-cloud/{recipe}.git" "Clone URL of dependency recipes; `{recipe}` is replaced.";

    harnessSecretsDir = option types.str "/run/ccci-harness-secrets" ''
      Operator secrets the harness masks in every byte a run prints (one value per file).
      The ccci user must be able to list the folder and read every file in it: an
      unreadable file stops the run (it might be a secret the redactor cannot know). Not a
      folder under /run/secrets: sops-nix makes those 0751 root:keys (not listable), so
      point each harness secret here with its `path` (docs/secrets.md). Keep the bot's
      secrets elsewhere (e.g. /run/secrets/ccci/).
    '';

    maxTests = option (types.ints.between 1 64) 2 ''
      The one load knob: runs at once. With Drone it is the runner's
      DRONE_RUNNER_CAPACITY (Drone queues the rest); with the local executor, its cap.
    '';

    executor = option (types.enum [
      "drone"
      "local"
    ]) "drone" "`drone` (production: one Drone custom build per run) or `local` (embedded: child processes of the bot).";

    forge = {
      dialect = option (types.enum [
        "gitea"
        "github"
      ]) "gitea" "Forge API dialect (Gitea also covers Forgejo).";
      baseUrl = mkOption {
        type = types.str;
        example = "https://git.coopcloud.tech/api/v1";
        description = "The forge's API base URL.";
      };
      repos = mkOption {
        type = types.listOf types.str;
        example = [ "coop-cloud/custom-html" ];
        description = "Recipe repositories to watch, `owner/name`; the recipe is the repository name.";
      };
      org = nullOption "coop-cloud" "Members of this org may comment `!testme`.";
      allowlist = option (types.listOf types.str) [ ] "Logins that may comment `!testme` without org membership.";
    };

    pollIntervalSeconds = option (types.ints.between 1 3600) 30 "Time between poll cycles (polling is primary; the webhook is optional).";

    listen = {
      address = option types.str "127.0.0.1" "Address of the bot's HTTP server (dashboard, badges, API, report intake).";
      port = option types.port 8080 "Port of the bot's HTTP server.";
    };

    publicUrl = mkOption {
      type = types.str;
      example = "https://ccci.example.org";
      description = "Base URL of links in comments and statuses (the dashboard as people reach it).";
    };

    reportUrl = mkOption {
      type = types.str;
      default = cfg.publicUrl;
      defaultText = literalExpression "config.services.ccci.publicUrl";
      description = "Base URL harnesses report to; every runner host must reach it.";
    };

    statusContext = option types.str "ccci" "Name of the commit status.";

    shutdownGraceSeconds = option (types.ints.between 0 3600) 60 "On stop, how long local runs get to tear down and report before the bot closes.";

    lateReportHours = option (types.ints.between 0 720) 24 ''
      LATE_REPORT_HOURS: how long a run that ended without a report (the bot was unreachable
      and the harness spooled it) still accepts that report, resent by the
      `ccci-resend` timer; the PR comment and status then show the real result. 0: never.
    '';

    logLevel = option (types.enum [
      "trace"
      "debug"
      "info"
      "warn"
      "error"
      "fatal"
      "silent"
    ]) "info" "trigger-bot's pino level.";

    forgeTokenFile = secretFileOption "The bot account's forge API token (only trigger-bot reads it).";
    webhookSecretFile = secretFileOption "Shared secret of the optional signed webhook (at least 16 characters); null: no webhook.";
    droneTokenFile = secretFileOption "Drone API token trigger-bot creates and cancels builds with.";
    reportKeyFile = secretFileOption ''
      Reserved. trigger-bot mints a fresh run-scoped report key per run and stores only its
      hash, so this version reads no operator report key; setting it only produces a warning.
    '';

    drone = {
      url = nullOption "https://drone.example.org" "Drone server URL (the bot's API client).";
      repo = nullOption "ccci/pipeline" ''
        Required with `executor = "drone"` (the bot's DRONE_REPO): the operator-owned Drone
        repository, `owner/name`, whose `.drone.yml` (nix/drone-pipeline.yml) runs the harness.
        Never a recipe repository (one of {option}`services.ccci.forge.repos`): the bot builds
        the tip of {option}`services.ccci.drone.branch` of this repository, so the pipeline is
        the operator's; the pull request's head travels as the SHA/REF build parameters.
      '';
      branch = option types.str "main" "Branch of {option}`services.ccci.drone.repo` whose tip every build runs (DRONE_BRANCH).";
    };

    droneRunner = {
      enable = mkOption {
        type = types.bool;
        default = drone;
        defaultText = literalExpression ''config.services.ccci.executor == "drone"'';
        description = "Run a Drone exec runner on this host (capacity = maxTests).";
      };
      package = packageOption "drone-runner-exec" "The drone-runner-exec package.";
      rpcProto = option (types.enum [
        "http"
        "https"
      ]) "https" "DRONE_RPC_PROTO.";
      rpcHost = nullOption "drone.example.org" "DRONE_RPC_HOST: the Drone server's host (and port).";
      rpcSecretFile = secretFileOption "DRONE_RPC_SECRET shared by the Drone server and its runners.";
      name = option types.str "ccci" "DRONE_RUNNER_NAME.";
      limitRepos = mkOption {
        type = types.listOf types.str;
        default = lib.optional (cfg.drone.repo != null) cfg.drone.repo;
        defaultText = literalExpression "[ config.services.ccci.drone.repo ]";
        description = ''
          DRONE_LIMIT_REPOS: the only repositories whose pipelines this host runs. Must not be
          empty (the runner would run any repository's pipeline) and must not name a recipe
          repository (its `.drone.yml` is the pull request author's).
        '';
      };
      stopTimeoutSeconds = option (types.ints.between 30 7200) 900 ''
        On stop, every process of the runner's cgroup (the harnesses too) gets SIGTERM and
        this long to tear down before SIGKILL; the janitor reaps what a kill leaves.
      '';
    };

    schedule = {
      everyHours = mkOption {
        type = types.ints.between 0 720;
        default = 0;
        example = 24;
        description = ''
          SCHEDULE_EVERY_HOURS: test every recipe of {option}`services.ccci.forge.repos` on its
          default branch once per this many hours (its current head, asked of the forge), so
          default-branch levels stay current. Each recipe has its own fixed slot in the period
          (the load is spread); a restart neither repeats nor skips a period. Runs go through
          the bot's executor like `!testme` runs and set the commit status on the tested head.
          0: off. (With Drone, a Drone cron is the alternative: docs/trigger-bot.md.)
        '';
      };
      maxActive = option (types.ints.between 1 64) 1 ''
        SCHEDULE_MAX_ACTIVE: scheduled runs queued or running at once, so catalogue runs never
        fill the runner ahead of the `!testme` runs people wait for.
      '';
    };

    digest = {
      everyHours = option (types.ints.between 0 720) 24 ''
        DIGEST_EVERY_HOURS: a digest (regressed, improved, failing, outdated recipes) at the
        start of each period of this many hours (UTC-aligned), shown at `/digest` and sent to
        the targets below. 0: none.
      '';
      outdatedDays = option (types.ints.between 1 365) 7 "DIGEST_OUTDATED_DAYS: a recipe not tested on its default branch for this long is outdated.";
      webhookUrlFile = secretFileOption ''
        DIGEST_WEBHOOK_URL: a URL each digest is POSTed to as JSON (docs/trigger-bot.md,
        "Digests"). A file, since such URLs often carry a token of their own; null: no webhook.
      '';
      matrix = {
        homeserver = nullOption "https://matrix.example.org" "MATRIX_HOMESERVER: base URL of the homeserver's client-server API; null: no Matrix.";
        roomId = nullOption "!abcdefghijklmn:example.org" "MATRIX_ROOM_ID: the room's ID (not an alias) the bot account has joined.";
        accessTokenFile = secretFileOption "MATRIX_ACCESS_TOKEN: the bot account's Matrix access token.";
      };
    };

    warm = {
      recipes = mkOption {
        type = types.attrsOf (types.strMatching "[A-Za-z0-9._/+-]+");
        default = { };
        example = literalExpression ''{ keycloak = "main"; }'';
        description = ''
          Recipes to keep warm, each with the branch to run (its default branch). A timer runs
          `ccci-harness run --recipe <name> --ref <branch>` for each; a green run of a recipe
          whose settings say `WARM_CANONICAL: true` leaves its tested head deployed as
          `<name>-warm.<ciDomain>`, which runs depending on it reuse and which serves as its
          upgrade base. `ccci-harness unwarm --recipe <name>` removes one.
        '';
      };

      interval = option types.str "daily" "When the warm runs start (systemd `OnCalendar`, with up to 30 min of random delay).";
    };

    janitor = {
      interval = option types.str "10min" ''
        How often the janitor timer runs (also once shortly after boot). The `ccci-resend`
        timer (`ccci-harness resend`: spooled reports) runs as often.
      '';
      metricsFile = nullOption "/var/lib/prometheus-node-exporter-text-files/ccci.prom" ''
        A Prometheus textfile each janitor pass writes (node_exporter's textfile collector):
        `ccci_network_addresses_used` / `ccci_network_addresses_capacity` of the `proxy`
        overlay network, and the stacks the pass reaped. Alert before `proxy` runs out of
        addresses (docs/runbook.md). Its folder must exist and be writable by the ccci user.
      '';
    };
  };
}
