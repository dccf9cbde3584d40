//

export * from '../models/ErrorError.model';
export * from '../models/ErrorRequest.model';
export * from '../models/ErrorResponse.model';
export * from '../models/GatewayAddress.model';
export * from '../models/IstioInstallation.model';
export * from '../models/ListClustersResponse.model';
export * from '../models/MeshCluster.model';
export * from '../models/MeshStrategy.model';
export * from '../models/ModelError.model';
