import DeviceHubIcon from '@material-ui/icons/DeviceHub';

/**
 * The icon of crossmesh in navigation and headers.
 *
 * @public
 */
export const MeshIcon = DeviceHubIcon;
