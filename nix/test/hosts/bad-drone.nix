# Drone mistakes the module must refuse, on the example host: the pipeline repository is a
# recipe repository (a pull request could change its .drone.yml), and the branch is not a
# branch name.
{ lib, ... }:
{
  imports = [ ../../example-host.nix ];
  services.ccci = {
    drone = {
      repo = lib.mkForce "Coop-Cloud/Custom-HTML";
      branch = lib.mkForce "../main";
    };
  };
}
