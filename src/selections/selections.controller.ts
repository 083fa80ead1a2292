import { Body, Controller, Delete, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ParseIdPipe } from '../common/validation';
import { UpsertSelectionDto } from './dto/upsert-selection.dto';
import { SelectionsService } from './selections.service';

@Controller('selections')
export class SelectionsController {
  constructor(private readonly selections: SelectionsService) {}

  @Put(':workoutId')
  put(@Param('workoutId', ParseIdPipe) workoutId: number, @Body() body: UpsertSelectionDto) {
    return this.selections.upsert(workoutId, body);
  }

  /** The previous backend accepted POST as a synonym of PUT. */
  @Post(':workoutId')
  @HttpCode(200)
  post(@Param('workoutId', ParseIdPipe) workoutId: number, @Body() body: UpsertSelectionDto) {
    return this.selections.upsert(workoutId, body);
  }

  @Delete(':workoutId')
  async remove(@Param('workoutId', ParseIdPipe) workoutId: number) {
    await this.selections.remove(workoutId);
    return { message: 'Selection deleted' };
  }
}
