# Embedded default on one box: the bot runs harnesses as child processes (no Drone).
{ ... }:
{
  imports = [ ../../module.nix ];
  virtualisation.docker.enable = true;
  services.ccci = {
    enable = true;
    executor = "local";
    maxTests = 3;
    ciDomain = "ci.localhost";
    publicUrl = "http://127.0.0.1:8080";
    forge = {
      baseUrl = "https://git.example.org/api/v1";
      repos = [ "coop-cloud/custom-html" ];
      allowlist = [ "alice" ];
    };
    forgeTokenFile = "/run/secrets/ccci/forge-token";
  };
}
