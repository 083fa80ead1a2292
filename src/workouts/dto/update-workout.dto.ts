import { OmitType, PartialType } from '@nestjs/swagger';
import { CreateWorkoutDto } from './create-workout.dto';

/** Body of PUT /api/workouts/:id: every key optional; `isCustom` cannot change. */
// skipNullProperties: false keeps `null` an error for the NOT NULL fields (title, type, day).
export class UpdateWorkoutDto extends PartialType(
  OmitType(CreateWorkoutDto, ['isCustom'] as const),
  {
    skipNullProperties: false,
  },
) {}
