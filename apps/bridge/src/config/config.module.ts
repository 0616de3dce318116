import { DynamicModule, Global, Module } from '@nestjs/common';
import { BridgeConfig } from './bridge-config';
import { LoadedConfig } from './load-config';

/** Provides the validated configuration: the one object the rest of the app reads settings from. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(loaded: LoadedConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: BridgeConfig, useValue: loaded.config },
        { provide: LOADED_CONFIG, useValue: loaded },
      ],
      exports: [BridgeConfig, LOADED_CONFIG],
    };
  }
}

export const LOADED_CONFIG = Symbol('LOADED_CONFIG');
