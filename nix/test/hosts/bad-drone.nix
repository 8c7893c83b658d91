# Drone mistakes the module must refuse: the pipeline repository is a recipe repository (a
# pull request could change its .drone.yml), and the branch is not a branch name.
{ ... }:
{
  imports = [ ../../module.nix ];
  virtualisation.docker.enable = true;
  services.ccci = {
    enable = true;
    executor = "drone";
    ciDomain = "ci.example.org";
    publicUrl = "https://ccci.example.org";
    forge = {
      baseUrl = "https://git.example.org/api/v1";
      repos = [ "coop-cloud/custom-html" ];
      org = "coop-cloud";
    };
    drone = {
      url = "https://drone.example.org";
      repo = "Coop-Cloud/Custom-HTML";
      branch = "../main";
    };
    droneRunner = {
      rpcHost = "drone.example.org";
      rpcSecretFile = "/run/secrets/ccci/drone-rpc-secret";
    };
    forgeTokenFile = "/run/secrets/ccci/forge-token";
    droneTokenFile = "/run/secrets/ccci/drone-token";
  };
}
